package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.TcpOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 2018 SACK blocks and RFC 6675 SACK-based loss recovery (window scaling on, no timestamps). */
class Rfc2018Rfc6675Test {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;
    static final TcpSettings SACK = TcpSettings.defaults().withOptions(true, false, true)
            .withCongestionControl(TcpSettings.CongestionAlgorithm.NEWRENO);

    static TcpOptions sack(int... edges) {
        return TcpOptions.NONE.withSackBlocks(edges);
    }

    @Nested
    class Receiver {
        @Test
        void outOfOrderDataIsSackedAtOnce() {
            TcpScript s = TcpScript.established(SACK);
            s.send(10, s.data(R + 1001, L + 1, "x".repeat(1000)));
            s.expect(10, s.seg(ACK).ack(R + 1).options(sack(R + 1001, R + 2001)));
        }

        @Test
        void theMostRecentBlockComesFirst() {
            TcpScript s = TcpScript.established(SACK);
            s.send(10, s.data(R + 1001, L + 1, "x".repeat(1000)));
            s.send(11, s.data(R + 3001, L + 1, "x".repeat(1000)));
            s.expect(11, s.seg(ACK).ack(R + 1).options(sack(R + 1001, R + 2001)),
                    s.seg(ACK).ack(R + 1).options(sack(R + 3001, R + 4001, R + 1001, R + 2001)));
        }

        @Test
        void fillingTheHoleDeliversEverythingInOrder() {
            TcpScript s = TcpScript.established(SACK);
            s.send(10, s.data(R + 4, L + 1, "def"));
            s.send(11, s.data(R + 10, L + 1, "jkl"));
            s.send(12, s.data(R + 7, L + 1, "ghi"));
            s.send(13, s.data(R + 1, L + 1, "abc"));
            s.expect(13, s.seg(ACK).ack(R + 1).options(sack(R + 4, R + 7)),
                    s.seg(ACK).ack(R + 1).options(sack(R + 10, R + 13, R + 4, R + 7)),
                    s.seg(ACK).ack(R + 1).options(sack(R + 4, R + 13)),
                    s.seg(ACK).ack(R + 13).options(TcpOptions.NONE));
            assertThat(s.readAll()).isEqualTo("abcdefghijkl");
        }

        @Test
        void overlappingOutOfOrderSegmentsAreMerged() {
            TcpScript s = TcpScript.established(SACK);
            s.send(10, s.data(R + 5, L + 1, "efgh"));
            s.send(11, s.data(R + 3, L + 1, "cdefghij"));
            s.send(12, s.data(R + 1, L + 1, "ab"));
            assertThat(s.readAll()).isEqualTo("abcdefghij");
        }
    }

    @Nested
    class Sender {
        @Test
        void sackedLossIsRetransmittedAloneAfterThreeDuplicates() {
            TcpScript s = TcpScript.established(SACK);
            s.write(10 * 1460);
            s.output.take();
            int m = 1460;
            s.send(20, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 2 * m)));
            s.send(21, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 3 * m)));
            s.expectNothing(21);
            s.send(22, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 4 * m)));
            s.expect(22, s.seg(ACK).seq(L + 1).len(m));
            assertThat(s.engine.drops()).containsEntry("tcp.fast-retransmit", 1L);
            // more SACKs: pipe falls below cwnd (7300) and the next lost hole... there is none; nothing new to send
            s.send(23, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 9 * m)));
            s.expectNothing(23);
            s.send(30, s.seg(ACK).seq(R + 1).ack(L + 1 + 10 * m).window(512));
            s.expectNothing(30);
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.cwnd()).isEqualTo(5 * m);
            assertThat(snap.retransmissions()).isEqualTo(1);
        }

        @Test
        void severalHolesAreRetransmittedInOneRecovery() {
            TcpScript s = TcpScript.established(SACK);
            int m = 1460;
            s.write(10 * m);
            s.output.take();
            // segments 0 and 2 lost; 1, 3..9 arrive
            s.send(20, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 2 * m)));
            s.send(21, s.seg(ACK).seq(R + 1).ack(L + 1).window(512)
                    .options(sack(L + 1 + 3 * m, L + 1 + 4 * m, L + 1 + m, L + 1 + 2 * m)));
            s.send(22, s.seg(ACK).seq(R + 1).ack(L + 1).window(512)
                    .options(sack(L + 1 + 3 * m, L + 1 + 10 * m, L + 1 + m, L + 1 + 2 * m)));
            s.expect(22, s.seg(ACK).seq(L + 1).len(m), s.seg(ACK).seq(L + 1 + 2 * m).len(m));
            s.send(30, s.seg(ACK).seq(R + 1).ack(L + 1 + 10 * m).window(512));
            assertThat(s.connection.snapshot(s.now).sendQueueBytes()).isZero();
        }

        @Test
        void timeoutForgetsSackInformation() {
            TcpScript s = TcpScript.established(SACK);
            int m = 1460;
            s.write(4 * m);
            s.output.take();
            s.send(20, s.seg(ACK).seq(R + 1).ack(L + 1).window(512).options(sack(L + 1 + m, L + 1 + 2 * m)));
            s.expect(220, s.seg(ACK).seq(L + 1).len(m));
        }
    }
}
