package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_PORT;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.MS;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_PORT;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.PSH;
import static io.multistack.wire.Tcp.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.multistack.wire.TcpOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 6298 (RTO), RFC 5681/6582 (NewReno), RFC 9438 (CUBIC). */
class RetransmissionAndCongestionTest {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;
    static final int M = 1460;

    /** Active open whose SYN-ACK arrives after 100 ms: SRTT 100, RTTVAR 50, RTO 300 ms. */
    static TcpScript measured() {
        TcpScript s = new TcpScript(TcpScript.plain());
        s.connection = s.engine.connect(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, s.events, 0);
        s.expect(0, s.seg(SYN));
        s.send(100, s.seg(SYN | ACK).seq(R).ack(L + 1).options(TcpOptions.NONE.withMss(M)));
        s.expect(100, s.seg(ACK));
        return s;
    }

    @Nested
    class Rfc6298 {
        @Test
        void rtoFollowsTheFirstMeasurement() {
            TcpScript s = measured();
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.srttNanos()).isEqualTo(100 * MS);
            assertThat(snap.rttvarNanos()).isEqualTo(50 * MS);
            assertThat(snap.rtoNanos()).isEqualTo(300 * MS);
            s.write("abc");
            s.expect(100, s.seg(ACK | PSH).seq(L + 1));
            s.expectNothing(399);
            s.expect(400, s.seg(ACK | PSH).seq(L + 1));
            s.expect(1000, s.seg(ACK | PSH).seq(L + 1));
        }

        @Test
        void karnIgnoresAcksOfRetransmittedSegmentsAndTheBackoffEnds() {
            TcpScript s = measured();
            s.write("abc");
            s.expect(100, s.seg(ACK | PSH));
            s.expect(400, s.seg(ACK | PSH));
            s.send(450, s.seg(ACK).seq(R + 1).ack(L + 4));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.srttNanos()).as("no sample from the retransmitted segment").isEqualTo(100 * MS);
            assertThat(snap.rtoNanos()).as("back-off cleared by new data acked").isEqualTo(300 * MS);
        }

        @Test
        void laterSamplesSmoothTheEstimate() {
            TcpScript s = measured();
            s.write("abc");
            s.send(300, s.seg(ACK).seq(R + 1).ack(L + 4));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            // R' = 200: RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5
            assertThat(snap.srttNanos()).isEqualTo(112_500_000L);
            assertThat(snap.rttvarNanos()).isEqualTo(62_500_000L);
            assertThat(snap.rtoNanos()).isEqualTo(362_500_000L);
        }

        @Test
        void backoffIsCappedAtSixtySeconds() {
            TcpScript s = measured();
            s.write("abc");
            s.output.take();
            s.advance(200_000);
            assertThat(s.connection.snapshot(s.now).rtoNanos()).isEqualTo(60_000 * MS);
        }

        @Test
        void timeoutCollapsesTheWindowToOneSegment() {
            TcpScript s = TcpScript.established();
            s.write(10 * M);
            s.output.take();
            s.expect(200, s.seg(ACK).seq(L + 1).len(M));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.cwnd()).isEqualTo(M);
            assertThat(snap.ssthresh()).isEqualTo(5 * M);
            // the ACK of the retransmission lets two more out (slow start), go-back-N from there
            s.send(210, s.seg(ACK).seq(R + 1).ack(L + 1 + M));
            s.expect(210, s.seg(ACK).seq(L + 1 + M).len(M), s.seg(ACK).seq(L + 1 + 2 * M).len(M));
        }
    }

    @Nested
    class NewReno {
        @Test
        void threeDuplicateAcksTriggerFastRetransmitAndInflation() {
            TcpScript s = TcpScript.established();
            s.write(10 * M);
            s.output.take();
            s.send(20, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.send(21, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.expectNothing(21);
            s.send(22, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.expect(22, s.seg(ACK).seq(L + 1).len(M));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.ssthresh()).isEqualTo(5 * M);
            assertThat(snap.cwnd()).isEqualTo(8 * M);
            // each further duplicate inflates by one segment; new data leaves once cwnd exceeds flight
            s.write(4 * M);
            s.output.take();
            for (int i = 0; i < 3; i++) {
                s.send(23 + i, s.seg(ACK).seq(R + 1).ack(L + 1));
            }
            s.expect(25, s.seg(ACK).seq(L + 1 + 10 * M).len(M));
        }

        @Test
        void partialAckRetransmitsTheNextHoleAndFullAckEndsRecovery() {
            TcpScript s = TcpScript.established();
            s.write(10 * M);
            s.output.take();
            for (int i = 0; i < 3; i++) {
                s.send(20, s.seg(ACK).seq(R + 1).ack(L + 1));
            }
            s.expect(20, s.seg(ACK).seq(L + 1).len(M));
            s.send(30, s.seg(ACK).seq(R + 1).ack(L + 1 + 3 * M));
            s.expect(30, s.seg(ACK).seq(L + 1 + 3 * M).len(M));
            s.send(40, s.seg(ACK).seq(R + 1).ack(L + 1 + 10 * M));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.cwnd()).isEqualTo(5 * M);
            assertThat(snap.retransmissions()).isEqualTo(2);
        }

        @Test
        void slowStartGrowsByAckedBytesUpToTwoSegmentsPerAck() {
            TcpScript s = TcpScript.established();
            s.write(10 * M);
            s.output.take();
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 1 + 2 * M));
            s.send(11, s.seg(ACK).seq(R + 1).ack(L + 1 + 6 * M));
            assertThat(s.connection.snapshot(s.now).cwnd()).isEqualTo(14 * M);
        }
    }

    @Nested
    class Rfc9438 {
        @Test
        void reductionIsBetaAndTheCurveReturnsToWmaxAfterK() {
            Cubic cubic = new Cubic(1000, 10);
            cubic.cwnd(100_000);
            cubic.onCongestionEvent(100_000, 0);
            assertThat(cubic.cwnd()).isEqualTo(70_000);
            assertThat(cubic.ssthresh()).isEqualTo(70_000);
            assertThat(cubic.wMax()).isEqualTo(100.0);
            double k = Math.cbrt(100 * (1 - Cubic.BETA) / Cubic.C);
            assertThat(k).isCloseTo(4.217, within(0.001));
            long now = 0;
            // a long RTT keeps the Reno-friendly estimate below the cubic curve (RFC 9438 4.3)
            long rtt = 200 * MS;
            // ack a window's worth every RTT until K seconds have passed
            while (now < (long) (k * 1e9)) {
                now += rtt;
                int acks = cubic.cwnd() / 1000;
                for (int i = 0; i < acks; i++) {
                    cubic.onAck(1000, cubic.cwnd(), now, rtt);
                }
            }
            assertThat(cubic.cwnd() / 1000.0).isCloseTo(100.0, within(8.0));
            // concave then convex: it keeps growing beyond W_max afterwards
            for (int r = 0; r < 15; r++) {
                now += rtt;
                int acks = cubic.cwnd() / 1000;
                for (int i = 0; i < acks; i++) {
                    cubic.onAck(1000, cubic.cwnd(), now, rtt);
                }
            }
            assertThat(cubic.cwnd()).isGreaterThan(110_000);
        }

        @Test
        void fastConvergenceLowersWmax() {
            Cubic cubic = new Cubic(1000, 10);
            cubic.cwnd(100_000);
            cubic.onCongestionEvent(100_000, 0);
            cubic.onCongestionEvent(70_000, 1);
            assertThat(cubic.wMax()).isCloseTo(70 * (1 + Cubic.BETA) / 2, within(1e-9));
            assertThat(cubic.cwnd()).isEqualTo(49_000);
        }

        @Test
        void shortRttsFollowTheRenoFriendlyEstimate() {
            Cubic cubic = new Cubic(1000, 10);
            cubic.cwnd(100_000);
            cubic.onCongestionEvent(100_000, 0);
            long now = 0;
            for (int r = 0; r < 20; r++) {
                now += MS;
                int acks = cubic.cwnd() / 1000;
                for (int i = 0; i < acks; i++) {
                    cubic.onAck(1000, cubic.cwnd(), now, MS);
                }
            }
            // W_cubic barely moved in 20 ms; W_est grew by about 0.53 segments per RTT
            assertThat(cubic.cwnd() / 1000.0).isCloseTo(70 + 20 * 3 * (1 - Cubic.BETA) / (1 + Cubic.BETA), within(1.5));
        }

        @Test
        void timeoutGoesToOneSegment() {
            Cubic cubic = new Cubic(1000, 10);
            cubic.onRetransmissionTimeout(10_000, 0);
            assertThat(cubic.cwnd()).isEqualTo(1000);
            assertThat(cubic.ssthresh()).isEqualTo(7000);
        }

        @Test
        void cubicIsTheDefault() {
            TcpScript s = TcpScript.established(TcpSettings.defaults());
            assertThat(s.connection.snapshot(0).congestionControl()).isEqualTo("cubic");
        }
    }
}
