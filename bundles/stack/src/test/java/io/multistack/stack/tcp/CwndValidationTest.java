package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * RFC 5681 3.1 / RFC 7661: the congestion window grows only while it is fully used, and its
 * arithmetic cannot overflow. Found as a loss-free connection that stopped for good after ~1.5
 * million segments (slow start grew {@code cwnd} on every ACK of an application-limited flow
 * until it turned negative).
 */
class CwndValidationTest {
    static final int M = 1460;

    /** An established connection whose application writes one segment at a time, ACKed every second one. */
    static final class AppLimited {
        final TcpScript s;
        final ByteBuf segment = Unpooled.buffer(M).writeZero(M);
        int acked = LOCAL_SEQ + 1;
        long segments;

        AppLimited(TcpSettings.CongestionAlgorithm algorithm) {
            s = TcpScript.established(TcpScript.plain().withCongestionControl(algorithm));
        }

        /** One write of one segment, then the peer's ACK for every second one (1 µs apart). */
        void step() {
            s.now += 1_000;
            int taken = s.connection.write(segment, s.now);
            assertThat(taken).as("write %d", segments).isEqualTo(M);
            s.connection.flush(s.now);
            segments++;
            s.output.sent.clear();
            if ((segments & 1) == 0) {
                acked += 2 * M;
                s.engine.receive(REMOTE_IP, LOCAL_IP,
                        s.seg(ACK).seq(REMOTE_SEQ + 1).ack(acked).window(65535).build(), s.now);
                s.engine.flushAcks(s.now);
            }
        }

        int cwnd() {
            return s.connection.snapshot(s.now).cwnd();
        }
    }

    @ParameterizedTest
    @EnumSource(TcpSettings.CongestionAlgorithm.class)
    void anApplicationLimitedFlowDoesNotGrowTheWindow(TcpSettings.CongestionAlgorithm algorithm) {
        AppLimited flow = new AppLimited(algorithm);
        int initial = flow.cwnd();
        for (int i = 0; i < 10_000; i++) {
            flow.step();
        }
        // at most two segments were ever in flight: the window stays where it was
        assertThat(flow.cwnd()).isEqualTo(initial);
        assertThat(flow.s.engine.drops()).doesNotContainKey("tcp.ack-beyond-sent");
    }

    @ParameterizedTest
    @EnumSource(TcpSettings.CongestionAlgorithm.class)
    void aLossFreeConnectionKeepsSendingPastTwoGigabytes(TcpSettings.CongestionAlgorithm algorithm) {
        AppLimited flow = new AppLimited(algorithm);
        for (int i = 0; i < 1_600_000; i++) { // 2.3 GB; the window overflowed after ~1.47 million
            flow.step();
        }
        assertThat(flow.cwnd()).isPositive();
        assertThat(flow.s.connection.sendQueueBytes()).as("everything sent and acknowledged").isZero();
        assertThat(flow.s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void aFullyUsedWindowStillDoublesInSlowStart() {
        TcpScript s = TcpScript.established();
        s.write(10 * M);
        s.output.take();
        s.send(10, s.seg(ACK).seq(REMOTE_SEQ + 1).ack(LOCAL_SEQ + 1 + 10 * M));
        // 10 segments were in flight: +2 MSS for the ACK, then the application fills the new window
        assertThat(s.connection.snapshot(s.now).cwnd()).isEqualTo(12 * M);
    }

    @ParameterizedTest
    @EnumSource(TcpSettings.CongestionAlgorithm.class)
    void theWindowSaturatesInsteadOfOverflowing(TcpSettings.CongestionAlgorithm algorithm) {
        CongestionControl cc = CongestionControl.create(algorithm, M, 10);
        for (int i = 0; i < 1_000_000; i++) {
            cc.onAck(2 * M, cc.cwnd(), i * 1_000L, 1_000_000L);
        }
        assertThat(cc.cwnd()).isEqualTo(CongestionControl.MAX_CWND);
        cc.cwnd(Integer.MAX_VALUE);
        assertThat(cc.cwnd()).isEqualTo(CongestionControl.MAX_CWND);
        cc.mss(9000);
        assertThat(cc.cwnd()).isEqualTo(CongestionControl.MAX_CWND);
    }
}
