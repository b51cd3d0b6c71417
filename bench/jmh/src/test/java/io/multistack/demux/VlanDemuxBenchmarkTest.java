package io.multistack.demux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every frame of the benchmark crosses the demux (no timing here). */
class VlanDemuxBenchmarkTest {
    @Test
    void framesCrossInBothDirections() throws Exception {
        VlanDemuxBenchmark benchmark = new VlanDemuxBenchmark();
        benchmark.setUp();
        for (int i = 0; i < 1000; i++) {
            benchmark.receive();
            benchmark.transmit();
        }
        assertThat(benchmark.stackFrames()).isEqualTo(1000);
        assertThat(benchmark.trunkFrames()).isEqualTo(1000);
        benchmark.tearDown();
    }
}
