package io.multistack.stack.link;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.stack.FaultSettings;
import io.multistack.wire.Ethernet;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fault injection for one direction of a link, as {@code tc netem} would do it: drop,
 * corrupt, duplicate, reorder and delay frames by the rates of its settings, deciding with a
 * seeded random generator so that a run reproduces. Decisions are made under the lane's lock
 * (a direction may be fed from more than one thread); frames leave outside it.
 */
final class FaultLane {
    /** A frame held back for reordering leaves after the next frame, or after this long if none comes. */
    static final long HOLD_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Headroom kept in copies, enough for the tags and tunnel headers that lower layers prepend in place. */
    private static final int MAX_HEADROOM = 128;

    private final FaultSettings settings;
    private final SplittableRandom random;
    private final Scheduler scheduler;
    private final long delayNanos;
    private Delivery held;
    private long dropped;
    private long duplicated;
    private long reordered;
    private long corrupted;
    private long delayed;

    FaultLane(FaultSettings settings, SplittableRandom random, Scheduler scheduler) {
        this.settings = settings;
        this.random = random;
        this.scheduler = scheduler;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(settings.delayMillis());
    }

    /** A frame and where it goes. */
    private record Delivery(ByteBuf frame, FrameReceiver sink) {}

    /** Takes ownership of the frame and passes on what the faults leave of it to {@code sink}. */
    void process(ByteBuf frame, FrameReceiver sink) {
        List<Delivery> leaving = new ArrayList<>(3);
        synchronized (this) {
            if (chance(settings.drop())) {
                dropped++;
                frame.release();
                return;
            }
            ByteBuf current = frame;
            if (chance(settings.corrupt()) && current.readableBytes() > Ethernet.HEADER_LENGTH) {
                current = corrupted(current);
                corrupted++;
            }
            ByteBuf duplicate = null;
            if (chance(settings.duplicate())) {
                duplicate = copyWithHeadroom(current);
                duplicated++;
            }
            Delivery heldBefore = held;
            if (heldBefore == null && chance(settings.reorder())) {
                held = new Delivery(current, sink);
                reordered++;
                holdNoLongerThanTheLimit(held);
            } else {
                leaving.add(new Delivery(current, sink));
            }
            if (duplicate != null) {
                leaving.add(new Delivery(duplicate, sink));
            }
            if (heldBefore != null) {
                leaving.add(heldBefore); // the frame held back goes after this one
                held = null;
            }
            if (delayNanos > 0) {
                delayed += leaving.size();
            }
        }
        send(leaving);
    }

    synchronized FaultCounts counts() {
        return new FaultCounts(dropped, duplicated, reordered, corrupted, delayed);
    }

    /** Releases a frame still held back (the lane is being retired with its link). */
    void close() {
        Delivery leftover;
        synchronized (this) {
            leftover = held;
            held = null;
        }
        if (leftover != null) {
            leftover.frame().release();
        }
    }

    private boolean chance(double rate) {
        return rate > 0 && random.nextDouble() < rate;
    }

    /** A copy with one byte past the Ethernet header changed, so only checksums can notice. */
    private ByteBuf corrupted(ByteBuf frame) {
        ByteBuf copy = copyWithHeadroom(frame);
        frame.release();
        int index = copy.readerIndex() + Ethernet.HEADER_LENGTH
                + random.nextInt(copy.readableBytes() - Ethernet.HEADER_LENGTH);
        copy.setByte(index, copy.getByte(index) ^ (1 + random.nextInt(255)));
        return copy;
    }

    /**
     * A private copy: a shared duplicate would not do, because lower layers write tags and
     * headers into a frame's headroom and header in place.
     */
    static ByteBuf copyWithHeadroom(ByteBuf frame) {
        int headroom = Math.min(frame.readerIndex(), MAX_HEADROOM);
        int length = frame.readableBytes();
        ByteBuf copy = frame.alloc().buffer(headroom + length);
        copy.setIndex(headroom, headroom).writeBytes(frame, frame.readerIndex(), length);
        return copy;
    }

    private void holdNoLongerThanTheLimit(Delivery delivery) {
        try {
            scheduler.schedule(() -> releaseHeld(delivery), HOLD_LIMIT_NANOS);
        } catch (RejectedExecutionException shuttingDown) {
            // the next frame or close() lets it go
        }
    }

    private void releaseHeld(Delivery delivery) {
        synchronized (this) {
            if (held != delivery) {
                return; // the next frame took it along already
            }
            held = null;
        }
        send(List.of(delivery));
    }

    private void send(List<Delivery> leaving) {
        if (leaving.isEmpty()) {
            return;
        }
        if (delayNanos == 0) {
            deliver(leaving);
            return;
        }
        try {
            scheduler.schedule(() -> deliver(leaving), delayNanos);
        } catch (RejectedExecutionException shuttingDown) {
            leaving.forEach(delivery -> delivery.frame().release());
        }
    }

    /** Delivers every frame even if a receiver throws (each owns its frame), then rethrows the first failure. */
    private static void deliver(List<Delivery> leaving) {
        RuntimeException failure = null;
        for (Delivery delivery : leaving) {
            try {
                delivery.sink().receive(delivery.frame());
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
