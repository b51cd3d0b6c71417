package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every datagram the benchmark offers reaches the site, plain or segmented (no timing here). */
class DatagramSenderBenchmarkTest {
    @ParameterizedTest(name = "segmenting={0}")
    @ValueSource(booleans = {false, true})
    void everyDatagramArrives(boolean segmenting) throws Exception {
        DatagramSenderBenchmark benchmark = new DatagramSenderBenchmark();
        benchmark.segmenting = segmenting;
        benchmark.setUp();
        for (int i = 0; i < 1000; i++) {
            benchmark.burst();
        }
        assertThat(benchmark.received()).isEqualTo(1000L * DatagramSenderBenchmark.BURST);
        benchmark.tearDown();
    }
}
