package io.multistack.stack.link;

import io.multistack.api.stack.Capture;
import io.multistack.wire.Pcap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A capture into a pcap file. The data path only copies each frame into a record and offers
 * it to a bounded queue (a full queue drops the record and counts it); one writer thread
 * per capture does all disk I/O, so a slow disk never stalls a tenant's traffic. The capture
 * ends after its duration, on {@link #close}, at {@link #MAX_FILE_BYTES} or on a write error.
 */
final class PcapCapture implements Capture {
    static final int QUEUE_RECORDS = 8192;
    static final long MAX_FILE_BYTES = 1L << 30;
    /** How long close() waits for the writer to finish the file. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final byte[] WAKE_UP = new byte[0];
    private static final System.Logger LOG = System.getLogger(PcapCapture.class.getName());

    private final Path file;
    private final OutputStream out;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_RECORDS);
    private final long deadline;
    private final LongSupplier wallClockNanos;
    private final Consumer<PcapCapture> onEnd;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closed;
    private volatile long frames;
    private volatile String endReason = "running";
    private boolean endAnnounced;

    private PcapCapture(Path file, OutputStream out, Duration duration, LongSupplier wallClockNanos,
            Consumer<PcapCapture> onEnd) {
        this.file = file;
        this.out = out;
        this.deadline = System.nanoTime() + duration.toNanos();
        this.wallClockNanos = wallClockNanos;
        this.onEnd = onEnd;
        this.writer = Thread.ofPlatform().daemon().name("multistack-capture " + file.getFileName()).unstarted(this::run);
    }

    /**
     * Creates (or truncates) the file, writes its header and starts writing.
     *
     * @param onEnd told once, from the writer thread, when the capture stops taking frames
     */
    static PcapCapture start(Path file, Duration duration, LongSupplier wallClockNanos, Consumer<PcapCapture> onEnd)
            throws IOException {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("capture duration " + duration + " is outside (0, 1 day]");
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16);
        try {
            ByteBuf header = Unpooled.buffer(Pcap.FILE_HEADER_LENGTH);
            Pcap.FileHeader.emit(header);
            out.write(header.array(), header.arrayOffset(), header.readableBytes());
            out.flush();
        } catch (IOException e) {
            out.close();
            throw e;
        }
        PcapCapture capture = new PcapCapture(file, out, duration, wallClockNanos, onEnd);
        capture.writer.start();
        return capture;
    }

    /** On the data path: copies the frame into a record for the writer; never blocks. */
    void record(ByteBuf frame) {
        if (closed) {
            return;
        }
        byte[] record = new byte[Pcap.recordLength(frame)];
        Pcap.writeRecord(Unpooled.wrappedBuffer(record).writerIndex(0), wallClockNanos.getAsLong(), frame);
        if (!queue.offer(record)) {
            dropped.increment();
        }
    }

    /** True once the capture takes no more frames. */
    boolean isClosed() {
        return closed;
    }

    Path file() {
        return file;
    }

    @Override
    public long frames() {
        return frames;
    }

    /** Records lost because the writer fell behind. */
    long dropped() {
        return dropped.sum();
    }

    /** Waits until the file is complete; true if it is. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        closed = true;
        queue.offer(WAKE_UP);
        if (Thread.currentThread() == writer) {
            return;
        }
        try {
            if (!awaitEnd(CLOSE_WAIT)) {
                LOG.log(System.Logger.Level.WARNING, "capture into {0} did not finish within {1}", file, CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long bytes = Pcap.FILE_HEADER_LENGTH;
        String reason = "closed";
        try {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    reason = "duration over";
                    break;
                }
                byte[] record = queue.poll(Math.min(left, IDLE_POLL_NANOS), TimeUnit.NANOSECONDS);
                if (record != null) {
                    bytes += write(record);
                }
                if (bytes >= MAX_FILE_BYTES) {
                    reason = "file size limit reached";
                    break;
                }
                if (record == null || queue.isEmpty()) {
                    out.flush(); // a reader of a live file sees frames within one idle poll
                }
            }
            announceEnd();
            // what the data path queued before it let go still goes into the file
            for (byte[] record = queue.poll(); record != null && bytes < MAX_FILE_BYTES; record = queue.poll()) {
                bytes += write(record);
            }
        } catch (IOException e) {
            reason = "write failed: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "capture into " + file + " failed", e);
        } catch (InterruptedException e) {
            reason = "interrupted";
        } finally {
            announceEnd();
            queue.clear();
            try {
                out.close();
            } catch (IOException e) {
                reason = "close failed: " + e.getMessage();
            }
            endReason = reason;
            ended.countDown();
        }
    }

    /** Stops the data path from offering records; the first call tells the taps. Writer thread only. */
    private void announceEnd() {
        closed = true;
        if (!endAnnounced) {
            endAnnounced = true;
            onEnd.accept(this);
        }
    }

    private int write(byte[] record) throws IOException {
        if (record == WAKE_UP) {
            return 0;
        }
        out.write(record);
        frames = frames + 1; // only this thread writes it
        return record.length;
    }

    @Override
    public String toString() {
        long lost = dropped();
        return frames + " frames into " + file + (lost > 0 ? ", " + lost + " lost (writer behind)" : "")
                + (ended.getCount() == 0 ? " (ended: " + endReason + ")" : "");
    }
}
