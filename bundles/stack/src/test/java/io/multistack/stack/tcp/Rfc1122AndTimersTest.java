package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.MS;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 1122 delayed ACK, Nagle, keep-alive; persist timer and zero windows (RFC 9293 3.8.6.1). */
class Rfc1122AndTimersTest {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;

    @Nested
    class Nagle {
        @Test
        void smallSegmentWaitsForTheAckOfTheLastSmallOne() {
            TcpScript s = TcpScript.established();
            s.write("a");
            s.expect(0, s.seg(ACK | PSH).seq(L + 1).payload("a"));
            s.write("b");
            s.write("c");
            s.expectNothing(5);
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 2));
            s.expect(10, s.seg(ACK | PSH).seq(L + 2).payload("bc"));
        }

        @Test
        void noDelaySendsAtOnce() {
            TcpScript s = TcpScript.established();
            s.connection.noDelay(true);
            s.write("a");
            s.write("b");
            s.expect(0, s.seg(ACK | PSH).payload("a"), s.seg(ACK | PSH).payload("b"));
        }

        @Test
        void turningNoDelayOnSendsWhatNagleHeld() {
            TcpScript s = TcpScript.established();
            s.write("a");
            s.write("b");
            s.expect(0, s.seg(ACK | PSH).payload("a"));
            s.connection.noDelay(true);
            s.expect(0, s.seg(ACK | PSH).payload("b"));
        }

        @Test
        void smallWritesCoalesceIntoFullSegmentsWhileNagleHoldsThem() {
            TcpScript s = TcpScript.established();
            s.write("a");
            for (int i = 0; i < 30; i++) {
                s.write(100);
            }
            // RFC 896: queued writes leave as soon as they fill a segment; only the small rest waits
            s.expect(0, s.seg(ACK | PSH).len(1), s.seg(ACK).len(1460), s.seg(ACK).len(1460));
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 2));
            s.expect(10, s.seg(ACK | PSH).len(80));
        }

        @Test
        void fullSegmentsAreNeverHeld() {
            TcpScript s = TcpScript.established();
            s.write("a");
            s.write(1460);
            s.expect(0, s.seg(ACK | PSH).len(1), s.seg(ACK | PSH).len(1460));
        }
    }

    @Nested
    class DelayedAck {
        @Test
        void dataPiggybacksTheAck() {
            TcpScript s = TcpScript.established();
            s.send(10, s.data(R + 1, L + 1, "ping"));
            s.write("pong");
            s.expect(10, s.seg(ACK | PSH).ack(R + 5).payload("pong"));
            s.expectNothing(100);
        }

        @Test
        void finIsAckedAtOnce() {
            TcpScript s = TcpScript.established();
            s.send(10, s.data(R + 1, L + 1, "x"));
            s.send(11, s.seg(io.multistack.wire.Tcp.FIN | ACK).seq(R + 2).ack(L + 1));
            s.expect(11, s.seg(ACK).ack(R + 3));
        }
    }

    @Nested
    class KeepAlive {
        static TcpScript withKeepAlive() {
            TcpScript s = TcpScript.established(TcpScript.plain().withKeepAlive(10_000 * MS, 1000 * MS, 3));
            s.connection.keepAlive(true, 0);
            return s;
        }

        @Test
        void idleConnectionIsProbedAndAnAnswerKeepsIt() {
            TcpScript s = withKeepAlive();
            s.expectNothing(9_999);
            s.expect(10_000, s.seg(ACK).seq(L).ack(R + 1).len(0));
            s.send(10_010, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.expectNothing(20_009);
            s.expect(20_010, s.seg(ACK).seq(L));
        }

        @Test
        void unansweredProbesCloseWithATimeout() {
            TcpScript s = withKeepAlive();
            s.expect(10_000, s.seg(ACK).seq(L));
            s.expect(11_000, s.seg(ACK).seq(L));
            s.expect(12_000, s.seg(ACK).seq(L));
            s.advance(13_000);
            assertThat(s.events.cause).isInstanceOf(TimeoutException.class);
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void offByDefault() {
            TcpScript s = TcpScript.established();
            s.expectNothing(10_000_000);
        }
    }

    @Nested
    class ZeroWindow {
        @Test
        void persistTimerProbesWithBackoffUntilTheWindowOpens() {
            TcpScript s = TcpScript.established();
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1).window(0));
            s.write("waiting");
            s.expectNothing(199);
            s.expect(200, s.seg(ACK).seq(L).ack(R + 1).len(0));
            s.expect(600, s.seg(ACK).seq(L).len(0));
            s.send(700, s.seg(ACK).seq(R + 1).ack(L + 1).window(0));
            s.expect(1400, s.seg(ACK).seq(L).len(0));
            s.send(1500, s.seg(ACK).seq(R + 1).ack(L + 1).window(1000));
            s.expect(1500, s.seg(ACK | PSH).seq(L + 1).payload("waiting"));
        }

        @Test
        void windowShrinkingToZeroWithDataInFlightFallsBackToProbes() {
            TcpScript s = TcpScript.established();
            s.write("abc");
            s.expect(0, s.seg(ACK | PSH).payload("abc"));
            s.write("def");
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 4).window(0));
            s.expectNothing(209);
            s.expect(210, s.seg(ACK).seq(L + 3).len(0));
            s.send(220, s.seg(ACK).seq(R + 1).ack(L + 4).window(100));
            s.expect(220, s.seg(ACK | PSH).seq(L + 4).payload("def"));
        }

        @Test
        void ourWindowClosesWhenTheApplicationDoesNotReadAndReopens() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(4096, 4096));
            // the SYN-ACK offered 4096
            s.send(10, s.data(R + 1, L + 1, "z".repeat(1460)));
            s.send(11, s.data(R + 1461, L + 1, "z".repeat(1460)));
            s.expect(11, s.seg(ACK).ack(R + 2921).window(4096 - 2920));
            s.send(12, s.data(R + 2921, L + 1, "z".repeat(1176)));
            s.expect(12, s.seg(ACK).ack(R + 4097).window(0)); // a closed window is announced at once
            // more data is not accepted: ACK with the unchanged edge
            s.send(60, s.data(R + 4097, L + 1, "no room"));
            s.expect(60, s.seg(ACK).ack(R + 4097).window(0));
            assertThat(s.readAll()).hasSize(4096);
            s.expect(60, s.seg(ACK).ack(R + 4097).window(4096));
        }

        @Test
        void zeroWindowProbeFromThePeerIsAnswered() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(1460, 4096));
            s.send(10, s.data(R + 1, L + 1, "z".repeat(1460)));
            s.expect(10, s.seg(ACK).ack(R + 1461).window(0));
            s.send(200, s.seg(ACK).seq(R + 1460).ack(L + 1));
            s.expect(200, s.seg(ACK).ack(R + 1461).window(0));
        }
    }
}
