package io.multistack.stack.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.FaultSettings;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
    private static final int MANY = 10_000;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final LinkTaps taps = new LinkTaps(scheduler, () -> 0);
    private final TestFrames frames = new TestFrames();

    @AfterEach
    void nothingLeaks() {
        taps.close();
        scheduler.runAll();
        frames.releaseAndCheckNoLeaks();
    }

    private static FaultSettings drop(double rate, long seed) {
        return new FaultSettings(rate, 0, 0, 0, 0, seed);
    }

    private void receive(int count) {
        for (int i = 0; i < count; i++) {
            taps.ingress(frames.frame(i), frames::receive);
        }
    }

    private long counter(String name) {
        return taps.faultCounters().get(name);
    }

    @Test
    void withNothingOnTheSameBufferPassesBothWays() {
        ByteBuf in = frames.frame(1);
        ByteBuf out = frames.frame(2);

        taps.ingress(in, frames::receive);
        taps.wrap(new RecordingDevice(frames)).transmit(out);

        assertThat(frames.received()).containsExactly(in, out);
        assertThat(taps.faultCounters()).isEmpty();
        assertThat(taps.faultSettings()).isEqualTo(FaultSettings.NONE);
    }

    @Nested
    class Drop {
        @Test
        void dropsAboutTheRateAndKeepsTheOrder() {
            taps.faults(drop(0.1, 42));

            receive(MANY);

            long dropped = counter("faults.in.dropped");
            assertThat(dropped).isBetween(900L, 1100L);
            assertThat(frames.received()).hasSize((int) (MANY - dropped));
            assertThat(frames.numbers()).isSorted();
            assertThat(counter("faults.out.dropped")).isZero();
        }

        @Test
        void theSameSeedDropsTheSameFrames() {
            List<Integer> first = survivorsOf(drop(0.3, 7));
            List<Integer> again = survivorsOf(drop(0.3, 7));
            List<Integer> otherSeed = survivorsOf(drop(0.3, 8));

            assertThat(again).isEqualTo(first);
            assertThat(otherSeed).isNotEqualTo(first);
        }

        private List<Integer> survivorsOf(FaultSettings settings) {
            LinkTaps fresh = new LinkTaps(scheduler, () -> 0);
            fresh.faults(settings);
            List<Integer> survivors = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                fresh.ingress(frames.frame(i), frame -> {
                    survivors.add(TestFrames.number(frame));
                    frames.receive(frame);
                });
            }
            return survivors;
        }

        @Test
        void appliesToWhatTheStackSendsThroughTheWrappedDevice() {
            Device device = taps.wrap(new RecordingDevice(frames));
            taps.faults(drop(1, 1));

            for (int i = 0; i < 5; i++) {
                device.transmit(frames.frame(i));
            }

            assertThat(frames.received()).isEmpty();
            assertThat(counter("faults.out.dropped")).isEqualTo(5);
            assertThat(counter("faults.in.dropped")).isZero();
        }
    }

    @Nested
    class Duplicate {
        @Test
        void sendsAPrivateCopyRightAfterTheOriginal() {
            taps.faults(new FaultSettings(0, 0.1, 0, 0, 0, 3));

            receive(MANY);

            long duplicated = counter("faults.in.duplicated");
            assertThat(duplicated).isBetween(900L, 1100L);
            List<ByteBuf> received = frames.received();
            assertThat(received).hasSize((int) (MANY + duplicated));
            int copies = 0;
            for (int i = 1; i < received.size(); i++) {
                ByteBuf previous = received.get(i - 1);
                ByteBuf current = received.get(i);
                if (TestFrames.number(current) == TestFrames.number(previous)) {
                    copies++;
                    assertThat(current).isNotSameAs(previous);
                    assertThat(TestFrames.bytes(current)).isEqualTo(TestFrames.bytes(previous));
                    assertThat(current.readerIndex()).as("headroom kept for in-place headers")
                            .isEqualTo(TestFrames.HEADROOM);
                }
            }
            assertThat(copies).isEqualTo(duplicated);
        }
    }

    @Nested
    class Reorder {
        @Test
        void atRateOneSwapsEveryPair() {
            taps.faults(new FaultSettings(0, 0, 1, 0, 0, 1));

            receive(6);

            assertThat(frames.numbers()).containsExactly(1, 0, 3, 2, 5, 4);
            assertThat(counter("faults.in.reordered")).isEqualTo(3);
        }

        @Test
        void holdsAboutTheRateAndLosesNothing() {
            taps.faults(new FaultSettings(0, 0, 0.1, 0, 0, 5));

            receive(MANY);
            scheduler.runAll();

            // a frame is held only when none is held already: expected 10000 * 0.1 / 1.1 = 909
            assertThat(counter("faults.in.reordered")).isBetween(820L, 1000L);
            assertThat(frames.numbers()).hasSize(MANY).doesNotHaveDuplicates().isNotEqualTo(
                    IntStream.range(0, MANY).boxed().toList());
        }

        @Test
        void aHeldFrameLeavesAfterTheHoldLimitWhenNoOtherComes() {
            taps.faults(new FaultSettings(0, 0, 1, 0, 0, 1));

            receive(1);
            assertThat(frames.received()).isEmpty();

            scheduler.advance(FaultLane.HOLD_LIMIT_NANOS - 1);
            assertThat(frames.received()).isEmpty();

            scheduler.advance(1);
            assertThat(frames.numbers()).containsExactly(0);
        }

        @Test
        void aFrameHeldWhenTheLinkClosesIsReleased() {
            taps.faults(new FaultSettings(0, 0, 1, 0, 0, 1));
            receive(1);

            taps.close();
            scheduler.runAll();

            assertThat(frames.received()).isEmpty(); // and nothingLeaks() finds it released
        }
    }

    @Nested
    class Corrupt {
        @Test
        void changesExactlyOneBytePastTheEthernetHeader() {
            taps.faults(new FaultSettings(0, 0, 0, 1, 0, 11));
            List<byte[]> originals = new ArrayList<>();

            for (int i = 0; i < 1000; i++) {
                ByteBuf frame = frames.frame(i);
                originals.add(TestFrames.bytes(frame));
                taps.ingress(frame, frames::receive);
            }

            assertThat(counter("faults.in.corrupted")).isEqualTo(1000);
            assertThat(frames.received()).hasSize(1000);
            for (int i = 0; i < 1000; i++) {
                byte[] before = originals.get(i);
                byte[] after = TestFrames.bytes(frames.received().get(i));
                List<Integer> changed = IntStream.range(0, before.length).filter(at -> before[at] != after[at])
                        .boxed().toList();
                assertThat(changed).singleElement().satisfies(at -> assertThat(at).isGreaterThanOrEqualTo(14));
            }
        }

        @Test
        void leavesFramesWithoutPayloadAlone() {
            taps.faults(new FaultSettings(0, 0, 0, 1, 0, 11));
            ByteBuf headerOnly = frames.frame(0, 14);

            taps.ingress(headerOnly, frames::receive);

            assertThat(frames.received()).containsExactly(headerOnly);
            assertThat(counter("faults.in.corrupted")).isZero();
        }
    }

    @Nested
    class Delay {
        @Test
        void holdsEveryFrameForTheDelayInOrder() {
            taps.faults(new FaultSettings(0, 0, 0, 0, 50, 1));

            receive(3);
            scheduler.advance(TimeUnit.MILLISECONDS.toNanos(50) - 1);
            assertThat(frames.received()).isEmpty();

            scheduler.advance(1);
            assertThat(frames.numbers()).containsExactly(0, 1, 2);
            assertThat(counter("faults.in.delayed")).isEqualTo(3);
        }

        @Test
        void delayedFramesArePassedOnEvenAfterTheFaultsAreSwitchedOff() {
            taps.faults(new FaultSettings(0, 0, 0, 0, 20, 1));
            receive(2);

            taps.faults(FaultSettings.NONE);
            receive(1);
            scheduler.runAll();

            assertThat(frames.numbers()).containsExactly(0, 0, 1);
        }
    }

    @Test
    void switchingOffRestoresThePassThroughAndForgetsTheCounters() {
        taps.faults(drop(1, 1));
        receive(3);

        taps.faults(FaultSettings.NONE);
        ByteBuf frame = frames.frame(9);
        taps.ingress(frame, frames::receive);

        assertThat(frames.received()).containsExactly(frame);
        assertThat(taps.faultCounters()).isEmpty();
        assertThat(taps.faultSettings()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    void everyFrameReachesItsReceiverEvenIfAnotherThrows() {
        taps.faults(new FaultSettings(0, 1, 0, 0, 0, 1));
        List<ByteBuf> firstAttempt = new ArrayList<>();

        assertThatThrownBy(() -> taps.ingress(frames.frame(0), frame -> {
            if (firstAttempt.isEmpty()) {
                firstAttempt.add(frame);
                frame.release(); // a receiver that fails still owns and releases its frame
                throw new IllegalStateException("receiver failed");
            }
            frames.receive(frame);
        })).hasMessage("receiver failed");

        assertThat(frames.numbers()).containsExactly(0);
    }

    @Test
    void reportsTheSettingsInForce() {
        FaultSettings settings = new FaultSettings(0.01, 0.02, 0.03, 0.04, 5, 77);

        taps.faults(settings);

        assertThat(taps.faultSettings()).isEqualTo(settings);
        assertThat(taps.faultCounters()).containsOnlyKeys("faults.in.dropped", "faults.in.duplicated",
                "faults.in.reordered", "faults.in.corrupted", "faults.in.delayed", "faults.out.dropped",
                "faults.out.duplicated", "faults.out.reordered", "faults.out.corrupted", "faults.out.delayed");
    }
}
