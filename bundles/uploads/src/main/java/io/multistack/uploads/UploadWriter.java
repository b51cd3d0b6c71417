package io.multistack.uploads;

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

/**
 * Writes one upload's bytes to its file off the event loop, so a slow disk (or the kernel
 * throttling dirty pages) never stalls the tenant's other connections. The bytes waiting for
 * the disk are bounded: above {@link #HIGH_WATER} the connection is told to stop reading (TCP's
 * window then slows the client), below {@link #LOW_WATER} to read again, so the body is read
 * only as fast as the disk takes it. The first step, the writes, the commit and an abort run
 * in order on the upload's own serial executor (a virtual thread in the appliance).
 *
 * <p>The body arrives a TCP segment at a time (~1.4 KB). The pieces are gathered on the loop
 * into runs of {@link #BATCH_BYTES}, each written with one gathering write: a file system pays
 * per write call (ext4 zeroes and maps blocks a call at a time; 1 GiB in 1.4 KB writes cost
 * this machine ~1.5 s of CPU, in 1 MiB writes ~0.2 s), and the writer's thread is woken once
 * per run instead of once per segment.
 *
 * <p>{@link #write}, {@link #finish} and {@link #abort} are called on the connection's loop.
 */
public final class UploadWriter {
    public static final long HIGH_WATER = 4 << 20;
    public static final long LOW_WATER = 1 << 20;
    public static final long BATCH_BYTES = 1 << 20;

    /** The file an upload goes to; its methods block and run on the upload's executor. */
    public interface Target {
        /** Runs first, e.g. to copy the part of an existing file a resumed upload keeps. */
        default void prepare() throws IOException {}

        /** Appends the buffers, in order. */
        void write(ByteBuffer[] buffers) throws IOException;

        /** All bytes are written: make the file the upload's result. */
        void commit() throws IOException;

        /** Drops what was written; safe to call more than once, and from the loop too. */
        void abort();
    }

    /** What the writer asks of the connection; called on its loop. */
    public interface Reading {
        void pause();

        void resume();
    }

    private final Target target;
    private final ExecutorService disk;
    private final Executor loop;
    private final Reading reading;
    /** Bytes queued, gathered or being written. */
    private final AtomicLong waiting = new AtomicLong();
    /** Pieces gathered on the loop, not yet handed to the disk; touched on the loop only. */
    private final List<ByteBuf> gathered = new ArrayList<>();
    private long gatheredBytes;
    /** Whether reading is paused by us; touched on the loop only. */
    private boolean paused;
    private volatile IOException failure;
    private volatile boolean aborted;

    /** The disk of one upload as the appliance runs it: a serial executor on a virtual thread, ended with the upload. */
    public static ExecutorService virtualThread(String name) {
        return Executors.newSingleThreadExecutor(Thread.ofVirtual().name(name).factory());
    }

    /** Starts the upload: {@link Target#prepare} is the disk's first task. */
    public UploadWriter(Target target, ExecutorService disk, Executor loop, Reading reading) {
        this.target = target;
        this.disk = disk;
        this.loop = loop;
        this.reading = reading;
        disk.execute(() -> {
            try {
                target.prepare();
            } catch (IOException failed) {
                failure = failed;
            }
        });
    }

    /** Queues the bytes (the writer owns them now). */
    public void write(ByteBuf bytes) {
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
        if (full && !paused) {
            paused = true;
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
                    target.write(nioBuffers(pieces));
                }
            } catch (IOException failed) {
                failure = failed;
            } finally {
                for (ByteBuf piece : pieces) {
                    piece.release();
                }
                long left = waiting.addAndGet(-size);
                if (left < LOW_WATER && left + size >= LOW_WATER) { // crossed the low mark: once, not per write
                    loop.execute(this::resumeReading);
                }
            }
        });
    }

    /** On the loop: reading goes on if we paused it (a resume the writer did not ask for is not ours to give). */
    private void resumeReading() {
        if (paused) {
            paused = false;
            reading.resume();
        }
    }

    private static ByteBuffer[] nioBuffers(ByteBuf[] pieces) {
        List<ByteBuffer> buffers = new ArrayList<>(pieces.length);
        for (ByteBuf piece : pieces) {
            buffers.addAll(List.of(piece.nioBuffers()));
        }
        return buffers.toArray(ByteBuffer[]::new);
    }

    /**
     * All bytes arrived: after the queued writes, the commit; {@code done} gets null or the
     * failure (an aborted upload's too), on the loop.
     */
    public void finish(Consumer<IOException> done) {
        handOver();
        disk.execute(() -> {
            IOException result = failure;
            if (result == null && !aborted) {
                try {
                    target.commit();
                } catch (IOException failed) {
                    result = failed;
                }
            } else {
                target.abort();
                if (result == null) {
                    result = new IOException("upload aborted");
                }
            }
            IOException reported = result;
            loop.execute(() -> done.accept(reported));
        });
        disk.shutdown();
    }

    /** Drops the upload: gathered and queued bytes are released unwritten, the file dropped. */
    public void abort() {
        aborted = true;
        gathered.forEach(ByteBuf::release);
        gathered.clear();
        gatheredBytes = 0;
        if (!disk.isShutdown()) {
            disk.execute(target::abort);
            disk.shutdown();
        }
        target.abort(); // at once as well: the target's abort is idempotent
    }
}
