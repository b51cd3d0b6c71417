package io.multistack.http;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>The body arrives a TCP segment at a time (~1.4 KB). The pieces are gathered on the loop
 * into runs of {@link #BATCH_BYTES} and each run written with one gathering write: a file
 * system pays per write call (ext4 zeroes and maps blocks a call at a time; 1 GiB in 1.4 KB
 * writes cost this machine ~1.5 s of CPU, in 1 MiB writes ~0.2 s), and the writer's thread is
 * woken once per run instead of once per segment.
 */
final class DiskWriter {
    static final long HIGH_WATER = 4 << 20;
    static final long LOW_WATER = 1 << 20;
    static final long BATCH_BYTES = 1 << 20;

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
    /** Bytes queued, gathered or being written. */
    private final AtomicLong waiting = new AtomicLong();
    /** Pieces gathered on the loop, not yet handed to the disk. */
    private final List<ByteBuf> gathered = new ArrayList<>();
    private long gatheredBytes;
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
        gathered.add(bytes);
        gatheredBytes += size;
        boolean full = waiting.addAndGet(size) > HIGH_WATER;
        if (full || gatheredBytes >= BATCH_BYTES) {
            handOver(); // when pausing too: what the disk must drain to resume is all with the disk
        }
        if (full) {
            reading.pause();
        }
    }

    /** Hands the gathered pieces to the disk as one gathering write. */
    private void handOver() {
        if (gathered.isEmpty()) {
            return;
        }
        ByteBuf[] pieces = gathered.toArray(ByteBuf[]::new);
        long size = gatheredBytes;
        gathered.clear();
        gatheredBytes = 0;
        disk.execute(() -> {
            try {
                if (!aborted && failure == null) {
                    file.write(nioBuffers(pieces));
                }
            } catch (IOException failed) {
                failure = failed;
            } finally {
                for (ByteBuf piece : pieces) {
                    piece.release();
                }
                long left = waiting.addAndGet(-size);
                if (left < LOW_WATER && left + size >= LOW_WATER) { // crossed the low mark: once, not per write
                    loop.execute(reading::resume);
                }
            }
        });
    }

    private static ByteBuffer[] nioBuffers(ByteBuf[] pieces) {
        List<ByteBuffer> buffers = new ArrayList<>(pieces.length);
        for (ByteBuf piece : pieces) {
            buffers.addAll(List.of(piece.nioBuffers()));
        }
        return buffers.toArray(ByteBuffer[]::new);
    }

    /** All bytes arrived: after the queued writes, the rename; {@code done} gets null or the failure, on the loop. */
    void finish(Consumer<IOException> done) {
        handOver();
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
        gathered.forEach(ByteBuf::release);
        gathered.clear();
        gatheredBytes = 0;
        if (!disk.isShutdown()) {
            disk.execute(file::abort);
            disk.shutdown();
        }
        file.abort(); // at once as well: synchronized and idempotent
    }
}
