package io.multistack.stack.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the threads meet: frames in from link threads and out from the stack's loop while
 * an operator switches faults and captures on and off. Every frame must be released once.
 */
class ConcurrencyTest {
    private static final int SENDERS = 4;
    private static final int FRAMES_EACH = 20_000;

    @TempDir
    Path dir;

    @Test
    void framesSurviveSwitchingFaultsAndCapturesUnderTraffic() throws Exception {
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        LinkTaps taps = new LinkTaps(loop);
        TestFrames frames = new TestFrames();
        Device device = taps.wrap(new RecordingDevice(frames));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> sending = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            boolean egress = s % 2 == 0;
            sending.add(senders.submit(() -> {
                start.await();
                for (int i = 0; i < FRAMES_EACH; i++) {
                    if (egress) {
                        device.transmit(frames.frame(i));
                    } else {
                        taps.ingress(frames.frame(i), frames::receive);
                    }
                }
                return null;
            }));
        }

        start.countDown();
        List<Capture> captures = new ArrayList<>();
        for (int round = 0; !sending.stream().allMatch(Future::isDone); round++) {
            taps.faults(round % 3 == 2 ? FaultSettings.NONE : new FaultSettings(0.1, 0.1, 0.1, 0.1, round % 2, round));
            if (round % 4 == 0 && taps.capturing() == null) {
                captures.add(taps.capture(dir.resolve("c" + round + ".pcap"), Duration.ofMillis(5)));
            } else if (round % 4 == 2 && taps.capturing() != null) {
                taps.capturing().close();
            }
            Thread.sleep(1);
        }
        for (Future<?> done : sending) {
            done.get(); // rethrows what a sender met
        }
        taps.close();
        senders.shutdown();
        loop.shutdown(); // delayed and held-back frames still leave: the executor runs tasks already scheduled
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        frames.releaseAndCheckNoLeaks();
        assertThat(captures).isNotEmpty().allSatisfy(capture -> assertThat(capture.frames()).isNotNegative());
        assertThat(Files.list(dir).count()).isEqualTo(captures.size());
    }
}
