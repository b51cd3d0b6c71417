package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every packet of the benchmark crosses the switch (no timing here). */
class TunnelSwitchBenchmarkTest {
    @Test
    void framesCrossInBothDirections() throws Exception {
        TunnelSwitchBenchmark benchmark = new TunnelSwitchBenchmark();
        benchmark.setUp();
        for (int i = 0; i < 1000; i++) {
            benchmark.fromSite();
            benchmark.toSite();
        }
        assertThat(benchmark.trunkFrames()).isEqualTo(1000);
        assertThat(benchmark.underlayPackets()).isEqualTo(1000);
        benchmark.tearDown();
    }
}
