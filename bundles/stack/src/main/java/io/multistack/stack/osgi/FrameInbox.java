package io.multistack.stack.osgi;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Frames on their way from a link's thread to a tenant's loop. Bounded per tenant, so a
 * flooded tenant drops (and counts) its own excess instead of growing the loop's task queue
 * that other tenants share; drained in batches by one task at a time, so a frame costs a
 * queue node, not a task; and a batch is bounded too, so a busy tenant cannot starve the
 * other tenants on its loop.
 */
final class FrameInbox {
    static final int CAPACITY = 4096;
    static final int BATCH = 256;

    private final Executor loop;
    private final Consumer<ByteBuf> stack;
    private final Runnable afterBatch;
    private final ConcurrentLinkedQueue<ByteBuf> frames = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder overflow = new LongAdder();
    private final Runnable drain = this::drain;

    FrameInbox(Executor loop, Consumer<ByteBuf> stack, Runnable afterBatch) {
        this.loop = loop;
        this.stack = stack;
        this.afterBatch = afterBatch;
    }

    /** Queues a frame for the loop; a full inbox or a stopped loop releases it and returns false. */
    boolean offer(ByteBuf frame) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            overflow.increment();
            frame.release();
            return false;
        }
        frames.offer(frame);
        return scheduleDrain();
    }

    /** Frames dropped because the inbox was full. */
    long overflow() {
        return overflow.sum();
    }

    int size() {
        return size.get();
    }

    private boolean scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return true;
        }
        try {
            loop.execute(drain);
            return true;
        } catch (RejectedExecutionException stopped) {
            releaseAll();
            return false;
        }
    }

    private void drain() {
        ByteBuf frame;
        for (int budget = BATCH; budget > 0 && (frame = frames.poll()) != null; budget--) {
            size.decrementAndGet();
            stack.accept(frame);
        }
        afterBatch.run();
        drainScheduled.set(false);
        // a frame offered while the flag was still set found no task to wake: schedule one for it
        if (!frames.isEmpty()) {
            scheduleDrain();
        }
    }

    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            size.decrementAndGet();
            frame.release();
        }
        drainScheduled.set(false);
    }
}
