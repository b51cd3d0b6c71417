package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.RST;
import static io.multistack.wire.Tcp.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 5961: blind RST, SYN and data injection protections, challenge ACK rate limit. */
class Rfc5961Test {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;

    @Nested
    class BlindReset {
        @Test
        void exactResetCloses() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(RST).seq(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.CLOSED);
            s.expectNothing(1);
        }

        @Test
        void inWindowResetGetsAChallengeAck() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(RST).seq(R + 100));
            s.expect(1, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(s.engine.drops()).containsEntry("tcp.challenge-ack", 1L);
        }

        @Test
        void outOfWindowResetIsIgnored() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(RST).seq(R + 1 + 70_000));
            s.send(1, s.seg(RST).seq(R - 5));
            s.expectNothing(1);
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Nested
    class BlindSyn {
        @Test
        void synInEstablishedGetsAChallengeAck() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(SYN).seq(R + 10));
            s.expect(1, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void synOutsideTheWindowAlsoOnlyGetsAnAck() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(SYN).seq(R - 1000));
            s.expect(1, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Nested
    class BlindData {
        @Test
        void ackOfUnsentDataIsAnsweredAndTheDataDropped() {
            TcpScript s = TcpScript.established();
            s.send(1, s.data(R + 1, L + 500, "injected"));
            s.expect(1, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.receiveQueueBytes()).isZero();
        }

        @Test
        void tooOldAckGetsAChallengeAckAndTheDataDropped() {
            TcpScript s = TcpScript.established();
            s.send(1, s.data(R + 1, L + 1 - 70_000, "injected"));
            s.expect(1, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.receiveQueueBytes()).isZero();
        }
    }

    @Nested
    class RateLimit {
        @Test
        void challengeAcksAreLimitedPerSecond() {
            TcpScript s = TcpScript.established(TcpScript.plain().withChallengeAcksPerSecond(2));
            for (int i = 0; i < 5; i++) {
                s.send(10, s.seg(RST).seq(R + 100 + i));
            }
            s.expect(10, s.seg(ACK).ack(R + 1), s.seg(ACK).ack(R + 1));
            assertThat(s.engine.drops()).containsEntry("tcp.challenge-ack-limited", 3L);
            s.send(1200, s.seg(RST).seq(R + 100));
            s.expect(1200, s.seg(ACK).ack(R + 1));
        }
    }
}
