package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every datagram the benchmark sends is handed on by the receiver (no timing here). */
class DatagramReceiverBenchmarkTest {
    @Test
    void everyDatagramIsHandedOn() throws Exception {
        DatagramReceiverBenchmark benchmark = new DatagramReceiverBenchmark();
        benchmark.setUp();
        for (int i = 0; i < 1000; i++) {
            benchmark.burst();
        }
        assertThat(benchmark.handedOn()).isEqualTo(1000L * DatagramReceiverBenchmark.BURST);
        benchmark.tearDown();
    }
}
