package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.PSH;
import static io.multistack.wire.Tcp.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.TcpOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 7323: window scaling, timestamps, RTTM and PAWS. Receive buffer 256 KiB gives shift 3. */
class Rfc7323Test {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;

    static TcpOptions ts(int val, int ecr) {
        return TcpOptions.NONE.withTimestamp(val, ecr);
    }

    @Nested
    class Negotiation {
        @Test
        void synAckEchoesWhatThePeerOffered() {
            TcpScript s = TcpScript.listening(TcpSettings.defaults());
            s.send(0, s.seg(SYN).seq(R).options(TcpOptions.NONE.withMss(1460).withSackPermitted(true)
                    .withTimestamp(100, 0).withWindowScale(7)));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1).window(65535).options(TcpOptions.NONE.withMss(1460)
                    .withSackPermitted(true).withTimestamp(0, 100).withWindowScale(7))); // room for 4 MiB (auto-tuning)
        }

        @Test
        void nothingOfferedNothingUsed() {
            TcpScript s = TcpScript.listening(TcpSettings.defaults());
            s.send(0, s.seg(SYN).seq(R).options(TcpOptions.NONE.withMss(1460)));
            s.expect(0, s.seg(SYN | ACK).options(TcpOptions.NONE.withMss(1460)));
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.send(1, s.data(R + 1, L + 1, "x"));
            // unscaled; the right edge does not move by the single byte received (receiver SWS avoidance)
            s.expect(41, s.seg(ACK).window(65534).options(TcpOptions.NONE));
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.timestamps()).isFalse();
            assertThat(snap.sack()).isFalse();
            assertThat(snap.receiveWindowScale()).isEqualTo(-1);
        }

        @Test
        void activeOpenOffersEverything() {
            TcpScript s = new TcpScript(TcpSettings.defaults());
            s.connection = s.engine.connect(TcpScript.LOCAL_IP, TcpScript.LOCAL_PORT, TcpScript.REMOTE_IP,
                    TcpScript.REMOTE_PORT, s.events, 0);
            s.expect(0, s.seg(SYN).seq(L).options(TcpOptions.NONE.withMss(1460).withSackPermitted(true)
                    .withTimestamp(0, 0).withWindowScale(7)));
            s.send(30, s.seg(SYN | ACK).seq(R).ack(L + 1).window(65535).options(TcpOptions.NONE.withMss(1400)
                    .withTimestamp(7, 0).withWindowScale(2)));
            s.expect(30, s.seg(ACK).seq(L + 1).ack(R + 1).window(2048).options(ts(30, 7))); // 256 KiB >> 7
            TcpConnectionSnapshot snap = s.connection.snapshot(s.now);
            assertThat(snap.sendWindowScale()).isEqualTo(2);
            assertThat(snap.mss()).isEqualTo(1400 - 12);
            assertThat(snap.srttNanos()).isEqualTo(30 * TcpScript.MS);
        }
    }

    @Nested
    class WindowScaling {
        @Test
        void ourWindowIsScaledAndThePeersToo() {
            TcpScript s = TcpScript.established(TcpSettings.defaults());
            s.send(1, s.seg(ACK).seq(R + 1).ack(L + 1).window(100).options(s.remoteOptions(0)));
            s.write(20_000);
            // 100 << 7 = 12800 bytes: eight full segments of 1448, the rest waits (sender SWS avoidance)
            Object[] segments = new Object[8];
            TcpScript.Seg[] expected = new TcpScript.Seg[8];
            for (int i = 0; i < 8; i++) {
                expected[i] = s.seg(ACK).seq(L + 1 + 1448 * i).window(2048).len(1448); // 256 KiB >> 7
            }
            s.expect(1, expected);
        }
    }

    @Nested
    class Timestamps {
        @Test
        void delayedAckEchoesTheEarliestUnacknowledgedTimestamp() {
            TcpScript s = TcpScript.established(TcpSettings.defaults().withQuickAcks(0));
            s.send(10, s.data(R + 1, L + 1, "a").options(ts(500, 0)));
            s.send(20, s.data(R + 2, L + 1, "b").options(ts(510, 0)));
            // RFC 7323 4.3: TS.Recent only moves for segments at or before Last.ACK.sent
            s.expect(50, s.seg(ACK).ack(R + 3).options(ts(50, 500)));
            s.send(60, s.data(R + 3, L + 1, "c").options(ts(520, 0)));
            s.expect(100, s.seg(ACK).ack(R + 4).options(ts(100, 520)));
        }

        @Test
        void rttIsMeasuredFromEchoedTimestamps() {
            TcpScript s = TcpScript.established(TcpSettings.defaults());
            s.advance(100);
            s.write("data");
            s.expect(100, s.seg(ACK | PSH).options(ts(100, 100)));
            s.send(150, s.seg(ACK).seq(R + 1).ack(L + 5).options(ts(300, 100)));
            // the handshake measured 0 (its ACK echoed no timestamp), then 50 ms: srtt = 50/8 ms
            assertThat(s.connection.snapshot(s.now).srttNanos()).isEqualTo(50 * TcpScript.MS / 8);
        }

        @Test
        void pawsDropsOldDuplicates() {
            TcpScript s = TcpScript.established(TcpSettings.defaults());
            s.send(10, s.data(R + 1, L + 1, "new").options(ts(1000, 0)));
            s.expect(50, s.seg(ACK).ack(R + 4));
            s.send(60, s.data(R + 4, L + 1, "old").options(ts(999, 0)));
            s.expect(60, s.seg(ACK).ack(R + 4).options(ts(60, 1000)));
            assertThat(s.readAll()).isEqualTo("new");
            assertThat(s.engine.drops()).containsEntry("tcp.paws-rejected", 1L);
        }

        @Test
        void pawsCountsSequenceSpaceWrapOfTheTimestamp() {
            TcpScript s = TcpScript.established(TcpSettings.defaults());
            s.send(10, s.data(R + 1, L + 1, "a").options(ts(0x7FFF_FFF0, 0)));
            s.send(20, s.data(R + 2, L + 1, "b").options(ts(0x8000_0010, 0)));
            assertThat(s.readAll()).isEqualTo("ab");
        }
    }
}
