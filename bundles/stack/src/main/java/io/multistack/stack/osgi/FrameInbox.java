package io.multistack.stack.osgi;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Frames on their way from a link's thread to a tenant's loop. Bounded per tenant, so a
 * flooded tenant drops (and counts) its own excess instead of growing the loop's task queue
 * that other tenants share; drained in batches by one task at a time, so a frame costs a
 * queue node, not a task; and a batch is bounded too, so a busy tenant cannot starve the
 * other tenants on its loop.
 *
 * <p>Most frames are offered on the loop itself (the VXLAN endpoint's socket for a tenant is
 * read on the tenant's loop). When nothing waits, such a frame is handed to the stack at
 * once, as a NIC driver's poll hands a packet up: no queue, so a ping's reply is made while
 * the read that brought the request is still going on (the reader reads a bounded number of
 * datagrams per turn, which bounds this work too); one task after the read ends the batch.
 * Otherwise, or when the stack offers a frame while it handles one, the frame waits in a
 * plain array deque that is reused; frames from other threads (a link reader, a packet the
 * kernel did not steer) take the concurrent queue. Each source stays in order.
 */
final class FrameInbox {
    static final int CAPACITY = 4096;
    static final int BATCH = 256;

    private final Executor loop;
    private final BooleanSupplier onLoopThread;
    private final Consumer<ByteBuf> stack;
    private final Runnable afterBatch;
    private final ConcurrentLinkedQueue<ByteBuf> frames = new ConcurrentLinkedQueue<>();
    /** Frames offered on the loop thread; touched by that thread only. Grows once, then is reused. */
    private final ArrayDeque<ByteBuf> local = new ArrayDeque<>(0);
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder overflow = new LongAdder();
    private final Runnable drain = this::drain;
    /** The stack is handling a frame (loop thread only): one offered now must wait its turn. */
    private boolean handling;
    /** Frames were handled at once and their batch's end is a task on the loop (loop thread only). */
    private boolean batchEndScheduled;
    private final Runnable endHandledBatch = this::endHandledBatch;

    /** @param onLoopThread whether the calling thread is the loop's (then no other thread runs its tasks) */
    FrameInbox(Executor loop, BooleanSupplier onLoopThread, Consumer<ByteBuf> stack, Runnable afterBatch) {
        this.loop = loop;
        this.onLoopThread = onLoopThread;
        this.stack = stack;
        this.afterBatch = afterBatch;
    }

    /**
     * Hands a frame to the stack at once (on the loop, nothing waiting) or queues it for the
     * loop; a full inbox or a stopped loop releases it and returns false.
     */
    boolean offer(ByteBuf frame) {
        if (onLoopThread.getAsBoolean() && !handling && size.get() == 0) {
            handNow(frame);
            return true;
        }
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            overflow.increment();
            frame.release();
            return false;
        }
        if (onLoopThread.getAsBoolean()) {
            local.add(frame);
        } else {
            frames.offer(frame);
        }
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

    /**
     * On the loop, nothing waiting: the stack takes the frame now. The frames handled so in
     * one turn of the loop (one read of the socket) are one batch, ended by one task after the
     * read: TCP then acknowledges what the whole read brought with one ACK, as after a drain.
     */
    private void handNow(ByteBuf frame) {
        handling = true;
        try {
            stack.accept(frame);
        } finally {
            handling = false;
        }
        if (!batchEndScheduled) {
            batchEndScheduled = true;
            try {
                loop.execute(endHandledBatch);
            } catch (RejectedExecutionException stopped) {
                endHandledBatch(); // the loop is stopping: end the batch here
            }
        }
    }

    private void endHandledBatch() {
        batchEndScheduled = false;
        afterBatch.run();
    }

    private void drain() {
        ByteBuf frame;
        handling = true;
        try {
            for (int budget = BATCH; budget > 0 && (frame = next()) != null; budget--) {
                size.decrementAndGet();
                stack.accept(frame);
            }
            afterBatch.run();
        } finally {
            handling = false;
        }
        drainScheduled.set(false);
        // a frame offered while the flag was still set found no task to wake: schedule one for it
        if (!local.isEmpty() || !frames.isEmpty()) {
            scheduleDrain();
        }
    }

    /** On the loop: the next frame, those offered on the loop first. */
    private ByteBuf next() {
        ByteBuf frame = local.poll();
        return frame != null ? frame : frames.poll();
    }

    /** The loop stopped: what waits is released (the local deque only on its own thread). */
    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            size.decrementAndGet();
            frame.release();
        }
        if (onLoopThread.getAsBoolean()) {
            while ((frame = local.poll()) != null) {
                size.decrementAndGet();
                frame.release();
            }
        }
        drainScheduled.set(false);
    }
}
