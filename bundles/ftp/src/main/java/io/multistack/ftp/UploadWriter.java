package io.multistack.ftp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes one upload's bytes to its {@link AtomicUpload} off the event loop, so a slow disk
 * (or the kernel throttling dirty pages) never stalls the tenant's other connections. The
 * bytes waiting for the disk are bounded: above {@link #HIGH_WATER} the data connection stops
 * reading (TCP's window then slows the client), below {@link #LOW_WATER} it reads again.
 * Writes, the final sync and rename, and an abort run in order on one virtual thread.
 */
final class UploadWriter {
    static final long HIGH_WATER = 4 << 20;
    static final long LOW_WATER = 1 << 20;

    private final AtomicUpload upload;
    private final Channel data;
    private final ExecutorService disk = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ftp-upload")
            .factory());
    private final AtomicLong waiting = new AtomicLong();
    private volatile IOException failure;
    private volatile boolean aborted;

    /** Starts with copying the kept prefix ({@code keep} bytes, REST or APPE) of the existing file. */
    UploadWriter(AtomicUpload upload, long keep, Channel data) {
        this.upload = upload;
        this.data = data;
        disk.execute(() -> {
            try {
                upload.keep(keep);
            } catch (IOException failed) {
                failure = failed;
            }
        });
    }

    /** Queues the bytes (the writer owns them now); called on the data channel's loop. */
    void write(ByteBuf bytes) {
        if (aborted) {
            bytes.release();
            return;
        }
        long size = bytes.readableBytes();
        if (waiting.addAndGet(size) > HIGH_WATER) {
            data.config().setAutoRead(false);
        }
        disk.execute(() -> {
            try {
                if (!aborted && failure == null) {
                    for (ByteBuffer buffer : bytes.nioBuffers()) {
                        upload.write(buffer);
                    }
                }
            } catch (IOException failed) {
                failure = failed;
            } finally {
                bytes.release();
                if (waiting.addAndGet(-size) < LOW_WATER && !data.config().isAutoRead()) {
                    data.eventLoop().execute(() -> data.config().setAutoRead(true));
                }
            }
        });
    }

    /**
     * All bytes arrived: after the queued writes, sync and rename; {@code done} gets
     * {@code null} or the failure, on the data channel's loop.
     */
    void finish(Consumer<IOException> done) {
        disk.execute(() -> {
            IOException result = failure;
            if (result == null && !aborted) {
                try {
                    upload.commit();
                } catch (IOException failed) {
                    result = failed;
                }
            } else {
                upload.abort();
            }
            IOException reported = result;
            data.eventLoop().execute(() -> done.accept(reported));
        });
        disk.shutdown();
    }

    /** Drops the upload: queued bytes are released unwritten, the temporary deleted. */
    void abort() {
        aborted = true;
        if (!disk.isShutdown()) {
            disk.execute(upload::abort);
            disk.shutdown();
        }
        upload.abort(); // at once as well: synchronized, and idempotent
    }
}
