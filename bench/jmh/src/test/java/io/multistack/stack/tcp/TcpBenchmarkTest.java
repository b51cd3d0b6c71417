package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.bench.TcpPeer;
import io.multistack.bench.Tenant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The TCP benchmarks reach and keep the steady state they claim to measure: every segment
 * in sequence and in the window, read by the application, acknowledged. No timing here.
 */
class TcpBenchmarkTest {
    private static final int SEGMENTS = 4_800;
    private final TcpBenchmark benchmark = new TcpBenchmark();

    @ParameterizedTest
    @ValueSource(ints = {1, 16})
    void receivedSegmentsAreReadAndAcknowledged(int batch) {
        TcpBenchmark.Receiving s = new TcpBenchmark.Receiving();
        s.batch = batch;
        s.setUp();
        long sentBefore = s.tenant.device.frames();
        for (int i = 0; i < SEGMENTS; i++) {
            benchmark.receive(s);
        }
        assertThat(s.tenant.tcp.drops()).isEmpty();
        assertThat(s.tenant.core.drops().snapshot()).isEmpty();
        assertThat(s.connection.receiveQueueBytes()).isZero();
        long acks = s.tenant.device.frames() - sentBefore;
        // one ACK per two full segments at least (RFC 1122 4.2.3.2) or per batch, if fewer
        assertThat(acks).isBetween((long) SEGMENTS / Math.max(2, batch), (long) SEGMENTS);
        s.tearDown();
        s.report();
    }

    @Test
    void everyWriteLeavesAsOneSegmentAndIsAcknowledged() {
        TcpBenchmark.Sending s = new TcpBenchmark.Sending();
        s.setUp();
        s.allocateData();
        long sentBefore = s.tenant.device.frames();
        for (int i = 0; i < SEGMENTS; i++) {
            benchmark.send(s);
        }
        assertThat(s.tenant.tcp.drops()).isEmpty();
        assertThat(s.tenant.device.frames() - sentBefore).isEqualTo(SEGMENTS);
        assertThat(s.connection.sendQueueBytes()).isZero();
        assertThat(s.sent).isEqualTo(Tenant.ISS + 1 + SEGMENTS * TcpPeer.MSS);
        s.releaseData();
        s.tearDown();
        s.report();
    }
}
