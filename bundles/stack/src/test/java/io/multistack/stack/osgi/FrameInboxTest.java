package io.multistack.stack.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class FrameInboxTest {
    /** A loop whose tasks run only when the test says so. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<ByteBuf> delivered = new ArrayList<>();
    private int batches;
    /** Whether the test plays the loop's own thread (frames from the endpoint on the tenant's loop). */
    private boolean onLoop;
    private final FrameInbox inbox = new FrameInbox(tasks::add, () -> onLoop, delivered::add, () -> batches++);

    @Test
    void framesOfferedTogetherAreDeliveredByOneTaskInOrder() {
        ByteBuf first = frame(1);
        ByteBuf second = frame(2);
        assertThat(inbox.offer(first)).isTrue();
        assertThat(inbox.offer(second)).isTrue();

        assertThat(tasks).hasSize(1);
        tasks.poll().run();

        assertThat(delivered).containsExactly(first, second);
        assertThat(batches).isEqualTo(1);
        assertThat(inbox.size()).isZero();
    }

    @Test
    void aLongBurstIsCutIntoBatchesSoOtherWorkOnTheLoopGetsTurns() {
        for (int i = 0; i < FrameInbox.BATCH * 2 + 3; i++) {
            inbox.offer(frame(i));
        }
        tasks.poll().run();
        assertThat(delivered).hasSize(FrameInbox.BATCH);
        assertThat(tasks).as("the rest is rescheduled, behind other tasks").hasSize(1);
        tasks.poll().run();
        tasks.poll().run();
        assertThat(delivered).hasSize(FrameInbox.BATCH * 2 + 3);
        assertThat(tasks).isEmpty();
    }

    @Test
    void aFullInboxDropsCountsAndReleasesTheExcess() {
        for (int i = 0; i < FrameInbox.CAPACITY; i++) {
            assertThat(inbox.offer(frame(i))).isTrue();
        }
        ByteBuf excess = frame(-1);
        assertThat(inbox.offer(excess)).isFalse();
        assertThat(excess.refCnt()).isZero();
        assertThat(inbox.overflow()).isEqualTo(1);
        assertThat(inbox.size()).isEqualTo(FrameInbox.CAPACITY);
    }

    @Test
    void aStoppedLoopReleasesWhatWasQueued() {
        Executor stopped = task -> {
            throw new RejectedExecutionException("stopped");
        };
        FrameInbox closed = new FrameInbox(stopped, () -> false, delivered::add, () -> batches++);
        ByteBuf frame = frame(1);
        assertThat(closed.offer(frame)).isFalse();
        assertThat(frame.refCnt()).isZero();
        assertThat(delivered).isEmpty();
    }

    @Test
    void framesFromTheLoopAndFromOtherThreadsAreAllDeliveredEachInItsOrder() {
        List<ByteBuf> fromLoop = new ArrayList<>();
        List<ByteBuf> fromElsewhere = new ArrayList<>();
        for (int i = 0; i < FrameInbox.BATCH + 10; i++) {
            onLoop = i % 3 != 0;
            ByteBuf frame = frame(i);
            (onLoop ? fromLoop : fromElsewhere).add(frame);
            assertThat(inbox.offer(frame)).isTrue();
        }
        assertThat(tasks).as("one task for all of them").hasSize(1);
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertThat(delivered).hasSize(FrameInbox.BATCH + 10);
        assertThat(delivered.stream().filter(fromLoop::contains).toList()).containsExactlyElementsOf(fromLoop);
        assertThat(delivered.stream().filter(fromElsewhere::contains).toList()).containsExactlyElementsOf(fromElsewhere);
        assertThat(inbox.size()).isZero();
    }

    @Test
    void theCapacityCountsFramesFromBothSources() {
        for (int i = 0; i < FrameInbox.CAPACITY; i++) {
            onLoop = i % 2 == 1; // the first from elsewhere: then the loop's own wait behind it
            assertThat(inbox.offer(frame(i))).isTrue();
        }
        onLoop = true;
        ByteBuf excess = frame(-1);
        assertThat(inbox.offer(excess)).isFalse();
        assertThat(excess.refCnt()).isZero();
        assertThat(inbox.overflow()).isEqualTo(1);
    }

    @Test
    void framesOfferedOnTheLoopWithNothingWaitingAreHandledAtOnceAndEndOneBatchInOneTask() {
        onLoop = true;
        ByteBuf first = frame(1);
        ByteBuf second = frame(2);

        assertThat(inbox.offer(first)).isTrue();
        assertThat(inbox.offer(second)).isTrue();

        assertThat(delivered).as("handed to the stack at once").containsExactly(first, second);
        assertThat(inbox.size()).isZero();
        assertThat(batches).as("the batch ends after the read, not per frame").isZero();
        assertThat(tasks).as("one task ends the batch of both").hasSize(1);
        tasks.poll().run();
        assertThat(batches).isEqualTo(1);

        ByteBuf later = frame(3);
        inbox.offer(later);
        assertThat(tasks).as("a frame of a later turn starts a new batch").hasSize(1);
        tasks.poll().run();
        assertThat(batches).isEqualTo(2);
    }

    @Test
    void framesOfferedOnTheLoopWhileOthersWaitAreQueuedTooAndKeepTheirOrder() {
        ByteBuf fromElsewhere = frame(1);
        inbox.offer(fromElsewhere);
        onLoop = true;
        ByteBuf second = frame(2);
        ByteBuf third = frame(3);

        inbox.offer(second);
        inbox.offer(third);

        assertThat(delivered).as("not handled while a frame waits").isEmpty();
        assertThat(tasks).hasSize(1);
        tasks.poll().run();
        assertThat(delivered).containsExactlyInAnyOrder(fromElsewhere, second, third);
        assertThat(delivered.indexOf(second)).isLessThan(delivered.indexOf(third));
    }

    @Test
    void aFrameTheStackOffersWhileHandlingOneWaitsForTheNextTurn() {
        List<ByteBuf> handled = new ArrayList<>();
        ByteBuf echoed = frame(2);
        FrameInbox[] self = new FrameInbox[1];
        self[0] = new FrameInbox(tasks::add, () -> true, frame -> {
            handled.add(frame);
            if (handled.size() == 1) {
                self[0].offer(echoed); // e.g. a link that loops back into the same stack
                assertThat(handled).as("not handled inside the first").hasSize(1);
            }
        }, () -> batches++);
        ByteBuf first = frame(1);

        self[0].offer(first);

        assertThat(handled).containsExactly(first);
        assertThat(tasks).as("the drain for the queued frame, the end of the first's batch").hasSize(2);
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertThat(handled).containsExactly(first, echoed);
        assertThat(self[0].size()).isZero();
    }

    private static ByteBuf frame(int marker) {
        return Unpooled.buffer(4).writeInt(marker);
    }
}
