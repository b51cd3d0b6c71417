package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_PORT;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_PORT;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.FIN;
import static io.multistack.wire.Tcp.PSH;
import static io.multistack.wire.Tcp.RST;
import static io.multistack.wire.Tcp.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.TcpOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Listen backlog and SYN cookies (RFC 4987), TIME-WAIT (RFC 9293, 6191), ISNs (RFC 6528), memory budget. */
class ListenerAndTimeWaitTest {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;
    static final int OTHER_PORT = 50_000;

    @Nested
    class SynCookies {
        static TcpScript fullBacklog() {
            TcpScript s = new TcpScript(TcpSettings.defaults());
            s.listen(1);
            s.send(0, s.seg(SYN).seq(R).options(TcpOptions.NONE.withMss(1460)));
            s.expect(0, s.seg(SYN | ACK).seq(L));
            return s;
        }

        @Test
        void withoutTimestampsACookieOffersOnlyMss() {
            TcpScript s = fullBacklog();
            s.send(1, s.seg(SYN).seq(R).ports(OTHER_PORT, LOCAL_PORT)
                    .options(TcpOptions.NONE.withMss(1460).withSackPermitted(true).withWindowScale(7)));
            TcpScript.Sent synAck = s.expectOne(1, s.seg(SYN | ACK).ack(R + 1).window(65535)
                    .ports(OTHER_PORT, LOCAL_PORT).options(TcpOptions.NONE.withMss(1460)));
            assertThat(s.engine.connections()).hasSize(1);
            int cookie = synAck.seq();
            s.send(2, s.seg(ACK).seq(R + 1).ack(cookie + 1).ports(OTHER_PORT, LOCAL_PORT));
            assertThat(s.accepted).hasSize(1);
            TcpConnection c = s.accepted.get(0);
            assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
            TcpConnectionSnapshot snap = c.snapshot(s.now);
            assertThat(snap.mss()).isEqualTo(1460);
            assertThat(snap.sack()).isFalse();
            assertThat(snap.timestamps()).isFalse();
            assertThat(snap.receiveWindowScale()).isEqualTo(-1);
            s.write("hi");
            s.expect(2, s.seg(ACK | PSH).seq(cookie + 1).ack(R + 1).ports(OTHER_PORT, LOCAL_PORT).payload("hi"));
            assertThat(s.listener.cookiesAccepted()).isEqualTo(1);
        }

        @Test
        void withTimestampsTheCookieKeepsWindowScalingAndSack() {
            TcpScript s = fullBacklog();
            s.advance(1000);
            s.output.take(); // the first handshake's SYN-ACK retransmission
            s.send(1000, s.seg(SYN).seq(R).ports(OTHER_PORT, LOCAL_PORT).options(s.remoteSynOptions()));
            TcpScript.Sent synAck = s.expectOne(1000, s.seg(SYN | ACK).ack(R + 1).ports(OTHER_PORT, LOCAL_PORT));
            TcpOptions o = synAck.tcp().options();
            assertThat(o.windowScale()).isEqualTo(7); // room for the 4 MiB auto-tuning may reach
            assertThat(o.sackPermitted()).isTrue();
            assertThat(o.tsEcr()).isEqualTo(100);
            // our clock (1000 ms) with the peer's options in the low 6 bits: wscale 7, SACK
            assertThat(o.tsVal() & 0x3F).isEqualTo(7 | 0x10);
            assertThat(o.tsVal()).isLessThanOrEqualTo(1000);
            s.send(1001, s.seg(ACK).seq(R + 1).ack(synAck.seq() + 1).window(1000).ports(OTHER_PORT, LOCAL_PORT)
                    .options(TcpOptions.NONE.withTimestamp(101, o.tsVal())));
            TcpConnectionSnapshot snap = s.accepted.get(0).snapshot(s.now);
            assertThat(snap.timestamps()).isTrue();
            assertThat(snap.sack()).isTrue();
            assertThat(snap.sendWindowScale()).isEqualTo(7);
            assertThat(snap.receiveWindowScale()).isEqualTo(7);
            assertThat(snap.mss()).isEqualTo(1460 - 12);
        }

        @Test
        void cookieAckMayCarryData() {
            TcpScript s = fullBacklog();
            s.send(1, s.seg(SYN).seq(R).ports(OTHER_PORT, LOCAL_PORT).options(TcpOptions.NONE.withMss(1380)));
            int cookie = s.expectOne(1, s.seg(SYN | ACK).ports(OTHER_PORT, LOCAL_PORT)).seq();
            s.send(2, s.data(R + 1, cookie + 1, "GET /").ports(OTHER_PORT, LOCAL_PORT));
            assertThat(s.readAll()).isEqualTo("GET /");
            assertThat(s.connection.snapshot(s.now).mss()).isEqualTo(1360); // rounded down to the table
        }

        @Test
        void invalidCookiesAreDroppedWhileCookiesAreInUseAndResetLater() {
            TcpScript s = fullBacklog();
            s.send(1, s.seg(SYN).seq(R).ports(OTHER_PORT, LOCAL_PORT));
            int cookie = s.expectOne(1, s.seg(SYN | ACK).ports(OTHER_PORT, LOCAL_PORT)).seq();
            // while cookies are in use an invalid one is dropped silently (it may be later data
            // of a handshake whose first ACK was lost), as Linux does
            s.send(2, s.seg(ACK).seq(R + 1).ack(cookie + 2).ports(OTHER_PORT, LOCAL_PORT));
            s.expectNothing(2);
            s.send(3, s.data(R + 100, cookie + 1, "later").ports(OTHER_PORT, LOCAL_PORT));
            s.expectNothing(3);
            s.send(4, s.data(R + 1, cookie + 1, "first").ports(OTHER_PORT, LOCAL_PORT));
            assertThat(s.accepted).hasSize(1);
            s.expect(4, s.seg(ACK).ack(R + 6).ports(OTHER_PORT, LOCAL_PORT)); // quick-ACK mode: first data at once
            // a cookie presented long after (no cookies sent since) is simply reset
            s.send(5, s.seg(SYN).seq(R).ports(OTHER_PORT + 1, LOCAL_PORT));
            int stale = s.expectOne(5, s.seg(SYN | ACK).ports(OTHER_PORT + 1, LOCAL_PORT)).seq();
            s.advance(200_000);
            s.output.take(); // retransmissions of the first handshake
            s.send(200_000, s.seg(ACK).seq(R + 1).ack(stale + 1).ports(OTHER_PORT + 1, LOCAL_PORT));
            s.expect(200_000, s.seg(RST).seq(stale + 1).ports(OTHER_PORT + 1, LOCAL_PORT));
            assertThat(s.accepted).hasSize(1);
            assertThat(s.engine.drops()).containsEntry("tcp.syn-cookie-invalid", 3L);
        }

        @Test
        void aSynFloodKeepsNoStateBeyondTheBacklog() {
            TcpScript s = fullBacklog();
            for (int port = 1000; port < 11_000; port++) {
                s.send(1, s.seg(SYN).seq(R + port).ports(port, LOCAL_PORT));
            }
            assertThat(s.engine.connections()).hasSize(1);
            assertThat(s.listener.cookiesSent()).isEqualTo(10_000);
        }

        @Test
        void closingTheListenerResetsHandshakesInProgress() {
            TcpScript s = fullBacklog();
            s.listener.close(s.now);
            s.expect(0, s.seg(RST | ACK).seq(L + 1));
            assertThat(s.engine.connections()).isEmpty();
            s.send(1, s.seg(SYN).seq(R).ports(OTHER_PORT, LOCAL_PORT));
            s.expect(1, s.seg(RST | ACK).ack(R + 1).ports(OTHER_PORT, LOCAL_PORT));
        }
    }

    @Nested
    class TimeWait {
        static TcpScript inTimeWait(TcpSettings settings) {
            TcpScript s = TcpScript.established(settings);
            s.connection.close(0);
            s.output.take();
            s.send(10, s.seg(FIN | ACK).seq(R + 1).ack(L + 2).options(s.remoteOptions(0)));
            s.output.take();
            assertThat(s.connection.state()).isEqualTo(TcpState.TIME_WAIT);
            return s;
        }

        @Test
        void newSynWithHigherSequenceReusesTheTuple() {
            TcpScript s = inTimeWait(TcpScript.plain());
            s.send(20, s.seg(SYN).seq(R + 100_000).options(TcpOptions.NONE.withMss(1460)));
            s.expect(20, s.seg(SYN | ACK).ack(R + 100_001));
            s.send(21, s.seg(ACK).seq(R + 100_001).ack(L + 1));
            assertThat(s.accepted).hasSize(2);
            assertThat(s.engine.drops()).containsEntry("tcp.time-wait-reused", 1L);
        }

        @Test
        void oldSynGetsAnAckAndTimeWaitStays() {
            TcpScript s = inTimeWait(TcpScript.plain());
            s.send(20, s.seg(SYN).seq(R - 100));
            s.expect(20, s.seg(ACK).seq(L + 2).ack(R + 2));
            assertThat(s.engine.connections()).hasSize(1);
            assertThat(s.engine.connections().iterator().next().state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void withTimestampsALaterTimestampDecides() {
            TcpScript s = inTimeWait(TcpSettings.defaults());
            s.send(20, s.seg(SYN).seq(R - 100).options(TcpOptions.NONE.withMss(1460).withTimestamp(5000, 0)));
            s.expect(20, s.seg(SYN | ACK).ack(R - 99));
        }

        @Test
        void resetInTimeWaitIsIgnored() {
            TcpScript s = inTimeWait(TcpScript.plain());
            s.send(20, s.seg(RST).seq(R + 2));
            assertThat(s.engine.connections()).hasSize(1);
        }

        @Test
        void mslIsASetting() {
            TcpScript s = inTimeWait(TcpScript.plain().withMsl(1000 * TcpScript.MS));
            s.advance(2009);
            assertThat(s.engine.connections()).hasSize(1);
            s.advance(2010);
            assertThat(s.engine.connections()).isEmpty();
        }
    }

    @Nested
    class Rfc6528 {
        @Test
        void isnsAreKeyedPerTupleAndFollowTheClock() {
            IsnGenerator a = new IsnGenerator(new SplittableRandom(99));
            IsnGenerator b = new IsnGenerator(new SplittableRandom(99));
            IsnGenerator other = new IsnGenerator(new SplittableRandom(100));
            int isn = a.isn(LOCAL_IP, 80, REMOTE_IP, 40000, 0);
            assertThat(b.isn(LOCAL_IP, 80, REMOTE_IP, 40000, 0)).as("deterministic for a seed").isEqualTo(isn);
            assertThat(other.isn(LOCAL_IP, 80, REMOTE_IP, 40000, 0)).as("keyed").isNotEqualTo(isn);
            assertThat(a.isn(LOCAL_IP, 80, REMOTE_IP, 40001, 0)).as("per tuple").isNotEqualTo(isn);
            assertThat(a.isn(LOCAL_IP, 80, REMOTE_IP, 40000, 1_000_000_000L) - isn).as("4 µs clock")
                    .isEqualTo(250_000);
        }

        @Test
        void theEngineUsesTheGenerator() {
            IsnGenerator keys = new IsnGenerator(new SplittableRandom(5));
            int expected = new IsnGenerator(new SplittableRandom(5)).isn(LOCAL_IP, 80, REMOTE_IP, REMOTE_PORT, 0);
            TcpScript.Output out = new TcpScript.Output(1500);
            TcpEngine engine = new TcpEngine(TcpScript.plain(), out, keys, io.netty.buffer.ByteBufAllocator.DEFAULT);
            engine.connect(LOCAL_IP, 80, REMOTE_IP, REMOTE_PORT, new ConnectionHandler() { }, 0);
            assertThat(out.take().get(0).seq()).isEqualTo(expected);
        }
    }

    @Nested
    class MemoryBudget {
        static final TcpSettings SMALL = TcpScript.plain().withMemoryBudget(8192);

        @Test
        void writesStopAtTheBudget() {
            TcpScript s = TcpScript.established(SMALL);
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1).window(0));
            assertThat(s.write(20_000)).isEqualTo(8192);
            assertThat(s.connection.sendBufferFree()).isZero();
        }

        @Test
        void everyConnectionKeepsAGuaranteedMinimumSoAnEchoCannotDeadlock() {
            TcpScript s = TcpScript.established(TcpScript.plain().withMemoryBudget(1000));
            s.send(1, s.data(R + 1, L + 1, "q".repeat(1460)));
            assertThat(s.engine.memoryInUse()).isGreaterThan(1000);
            assertThat(s.connection.sendBufferFree()).as("send side still has its minimum")
                    .isEqualTo(io.multistack.stack.tcp.MemoryBudget.GUARANTEED_PER_DIRECTION);
        }

        @Test
        void theWindowShrinksToTheBudgetAndReopensWhenRead() {
            TcpScript s = TcpScript.listening(SMALL);
            s.send(0, s.seg(SYN).seq(R).options(TcpOptions.NONE.withMss(1460)));
            s.expect(0, s.seg(SYN | ACK).window(8192));
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1));
            for (int i = 0; i < 5; i++) {
                s.send(1, s.data(R + 1 + 1460 * i, L + 1, "q".repeat(1460)));
            }
            s.send(1, s.data(R + 1 + 1460 * 5, L + 1, "q".repeat(892)));
                        // every second segment is ACKed, and at once when the window is nearly closed
            s.expect(1, s.seg(ACK).ack(R + 2921).window(8192 - 2920), s.seg(ACK).ack(R + 5841),
                    s.seg(ACK).ack(R + 7301).window(892), s.seg(ACK).ack(R + 8193).window(0));
            assertThat(s.engine.memoryInUse()).isEqualTo(8192);
            assertThat(s.readAll()).hasSize(8192);
            s.expect(1, s.seg(ACK).ack(R + 8193).window(8192));
            assertThat(s.engine.memoryInUse()).isZero();
        }
    }
}
