package io.multistack.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes one upload's bytes to its {@link AtomicFile} off the event loop, so a slow disk (or
 * the kernel throttling dirty pages) never stalls the tenant's other connections. The bytes
 * waiting for the disk are bounded: above {@link #HIGH_WATER} the connection is told to stop
 * reading (the client is then slowed by TCP's window), below {@link #LOW_WATER} to read again,
 * so the body is read only as fast as the disk takes it. Writes, the rename and an abort run
 * in order on the upload's own executor (a virtual thread in the appliance).
 */
final class DiskWriter {
    static final long HIGH_WATER = 4 << 20;
    static final long LOW_WATER = 1 << 20;

    /** One serial executor per upload: a virtual thread, ended when the upload ends. */
    static final Supplier<ExecutorService> VIRTUAL_THREADS = () -> Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("http-upload").factory());

    /** What the writer asks of the connection; called on its event loop. */
    interface Reading {
        void pause();

        void resume();
    }

    private final AtomicFile file;
    private final ExecutorService disk;
    private final Executor loop;
    private final Reading reading;
    private final AtomicLong waiting = new AtomicLong();
    private volatile IOException failure;
    private volatile boolean aborted;

    DiskWriter(AtomicFile file, ExecutorService disk, Executor loop, Reading reading) {
        this.file = file;
        this.disk = disk;
        this.loop = loop;
        this.reading = reading;
    }

    /** Queues the bytes (the writer owns them now); called on the event loop. */
    void write(ByteBuf bytes) {
        if (aborted) {
            bytes.release();
            return;
        }
        long size = bytes.readableBytes();
        if (waiting.addAndGet(size) > HIGH_WATER) {
            reading.pause();
        }
        disk.execute(() -> {
            try {
                if (!aborted && failure == null) {
                    for (ByteBuffer buffer : bytes.nioBuffers()) {
                        file.write(buffer);
                    }
                }
            } catch (IOException failed) {
                failure = failed;
            } finally {
                bytes.release();
                long left = waiting.addAndGet(-size);
                if (left < LOW_WATER && left + size >= LOW_WATER) { // crossed the low mark: once, not per write
                    loop.execute(reading::resume);
                }
            }
        });
    }

    /** All bytes arrived: after the queued writes, the rename; {@code done} gets null or the failure, on the loop. */
    void finish(Consumer<IOException> done) {
        disk.execute(() -> {
            IOException result = failure;
            if (result == null && !aborted) {
                try {
                    file.commit();
                } catch (IOException failed) {
                    result = failed;
                }
            } else {
                file.abort();
                if (result == null) {
                    result = new IOException("upload aborted");
                }
            }
            IOException reported = result;
            loop.execute(() -> done.accept(reported));
        });
        disk.shutdown();
    }

    /** Drops the upload: queued bytes are released unwritten, the temporary deleted. */
    void abort() {
        aborted = true;
        if (!disk.isShutdown()) {
            disk.execute(file::abort);
            disk.shutdown();
        }
        file.abort(); // at once as well: synchronized and idempotent
    }
}
