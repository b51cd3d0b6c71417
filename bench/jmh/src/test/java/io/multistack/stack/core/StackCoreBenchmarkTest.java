package io.multistack.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Datagrams reach their socket and echo requests are answered, without drops (no timing here). */
class StackCoreBenchmarkTest {
    @Test
    void everyDatagramIsDeliveredAndEveryEchoAnswered() {
        StackCoreBenchmark benchmark = new StackCoreBenchmark();
        benchmark.setUp();
        benchmark.refreshNeighbour();
        long sentBefore = benchmark.framesSent();
        for (int i = 0; i < 1000; i++) {
            benchmark.udpReceive();
            benchmark.icmpEcho();
        }
        assertThat(benchmark.datagramsDelivered()).isEqualTo(1000);
        assertThat(benchmark.framesSent() - sentBefore).isEqualTo(1000);
        benchmark.tearDown();
    }
}
