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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.wire.TcpOptions;
import java.net.ConnectException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 9293: states, handshake, data, close, RST for closed ports. L = our ISN, R = the peer's. */
class Rfc9293Test {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;
    static final TcpOptions MSS = TcpOptions.NONE.withMss(1460);

    @Nested
    class PassiveOpen {
        @Test
        void synGetsSynAckAndAckEstablishes() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R).window(65535).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1).window(65535).options(MSS));
            assertThat(s.accepted).isEmpty();
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 1));
            s.expectNothing(10);
            assertThat(s.accepted).hasSize(1);
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(s.listener.pending()).isZero();
        }

        @Test
        void lostSynAckIsRetransmittedWithBackoff() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1));
            s.expect(999);
            s.expect(1000, s.seg(SYN | ACK).seq(L).ack(R + 1));
            s.expect(3000, s.seg(SYN | ACK).seq(L).ack(R + 1));
        }

        @Test
        void duplicateSynRetransmitsSynAck() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1));
            s.send(300, s.seg(SYN).seq(R).options(MSS));
            s.expect(300, s.seg(SYN | ACK).seq(L).ack(R + 1));
        }

        @Test
        void badAckInSynReceivedGetsReset() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1));
            s.send(1, s.seg(ACK).seq(R + 1).ack(L + 100));
            s.expect(1, s.seg(RST).seq(L + 100));
        }

        @Test
        void rstInSynReceivedDropsTheEmbryo() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1));
            s.send(1, s.seg(RST).seq(R + 1));
            assertThat(s.engine.connections()).isEmpty();
            assertThat(s.listener.pending()).isZero();
            s.expectNothing(5000);
        }

        @Test
        void missingMssOptionMeans536() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            s.send(0, s.seg(SYN).seq(R));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1).options(MSS));
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1));
            assertThat(s.connection.snapshot(0).mss()).isEqualTo(536);
        }

        @Test
        void mssIsClampedToTheDeviceMtu() {
            TcpScript s = new TcpScript(TcpScript.plain(), 1450);
            s.listen(8);
            s.send(0, s.seg(SYN).seq(R).options(MSS));
            s.expect(0, s.seg(SYN | ACK).seq(L).ack(R + 1).options(TcpOptions.NONE.withMss(1410)));
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1));
            assertThat(s.connection.snapshot(0).mss()).isEqualTo(1410);
        }

        @Test
        void portInUseIsRefused() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            assertThatThrownBy(() -> s.engine.listen(LOCAL_IP, LOCAL_PORT, 1, c -> { }))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> s.engine.listen(0, LOCAL_PORT, 1, c -> { }))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class ActiveOpen {
        @Test
        void synSynAckAck() {
            TcpScript s = new TcpScript(TcpScript.plain());
            s.connection = s.engine.connect(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, s.events, 0);
            s.expect(0, s.seg(SYN).seq(L).ack(0).window(65535).options(MSS));
            assertThat(s.connection.state()).isEqualTo(TcpState.SYN_SENT);
            s.send(20, s.seg(SYN | ACK).seq(R).ack(L + 1).options(MSS));
            s.expect(20, s.seg(ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(s.events.connected).isEqualTo(1);
        }

        @Test
        void ephemeralPortsComeFromTheDynamicRange() {
            TcpScript s = new TcpScript(TcpScript.plain());
            TcpConnection a = s.engine.connect(LOCAL_IP, 0, REMOTE_IP, 80, s.events, 0);
            TcpConnection b = s.engine.connect(LOCAL_IP, 0, REMOTE_IP, 80, s.events, 0);
            assertThat(a.localPort()).isBetween(49152, 65535);
            assertThat(b.localPort()).isBetween(49152, 65535).isNotEqualTo(a.localPort());
        }

        @Test
        void resetMeansConnectionRefused() {
            TcpScript s = TcpScript.synSent(TcpScript.plain());
            s.send(5, s.seg(RST | ACK).seq(0).ack(L + 1));
            assertThat(s.events.closed).isEqualTo(1);
            assertThat(s.events.cause).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
            assertThat(s.engine.connections()).isEmpty();
            s.expectNothing(10_000);
        }

        @Test
        void resetWithUnacceptableAckIsIgnored() {
            TcpScript s = TcpScript.synSent(TcpScript.plain());
            s.send(5, s.seg(RST | ACK).seq(0).ack(L + 7));
            assertThat(s.connection.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void unacceptableAckGetsReset() {
            TcpScript s = TcpScript.synSent(TcpScript.plain());
            s.send(5, s.seg(SYN | ACK).seq(R).ack(L + 9));
            s.expect(5, s.seg(RST).seq(L + 9));
            assertThat(s.connection.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synIsRetransmittedThenTheConnectTimesOut() {
            TcpScript s = TcpScript.synSent(TcpScript.plain().withRetries(2, 15));
            s.expect(1000, s.seg(SYN).seq(L));
            s.expect(3000, s.seg(SYN).seq(L));
            s.expectNothing(6999);
            s.advance(7000);
            assertThat(s.events.cause).isInstanceOf(ConnectException.class).hasMessageContaining("timed out");
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void simultaneousOpen() {
            TcpScript s = TcpScript.synSent(TcpScript.plain());
            s.send(10, s.seg(SYN).seq(R).options(MSS));
            s.expect(10, s.seg(SYN | ACK).seq(L).ack(R + 1).options(MSS));
            assertThat(s.connection.state()).isEqualTo(TcpState.SYN_RECEIVED);
            s.send(11, s.seg(SYN | ACK).seq(R).ack(L + 1).options(MSS));
            assertThat(s.connection.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(s.events.connected).isEqualTo(1);
            s.write("hi");
            s.expect(11, s.seg(ACK | PSH).seq(L + 1).ack(R + 1).payload("hi"));
        }
    }

    @Nested
    class ClosedPort {
        @Test
        void synToAClosedPortGetsRstAck() {
            TcpScript s = TcpScript.listening(TcpScript.plain());
            boolean taken = s.send(0, s.seg(SYN).seq(R).ports(REMOTE_PORT, 81));
            assertThat(taken).isFalse();
            s.expect(0, s.seg(RST | ACK).seq(0).ack(R + 1).ports(REMOTE_PORT, 81));
            assertThat(s.engine.resetsForClosedPorts()).isEqualTo(1);
        }

        @Test
        void ackToAClosedPortGetsRstFromItsAck() {
            TcpScript s = new TcpScript(TcpScript.plain());
            s.send(0, s.seg(ACK).seq(R).ack(777).payload("data"));
            s.expect(0, s.seg(RST).seq(777).ack(0));
        }

        @Test
        void dataWithoutAckCountsItsLength() {
            TcpScript s = new TcpScript(TcpScript.plain());
            s.send(0, s.seg(FIN).seq(R).payload("abc"));
            s.expect(0, s.seg(RST | ACK).seq(0).ack(R + 4));
        }

        @Test
        void resetIsNeverAnsweredWithReset() {
            TcpScript s = new TcpScript(TcpScript.plain());
            s.send(0, s.seg(RST).seq(R));
            s.send(0, s.seg(RST | ACK).seq(R).ack(1));
            s.expectNothing(0);
        }
    }

    @Nested
    class DataTransfer {
        @Test
        void receivedDataIsAckedWithin40ms() {
            TcpScript s = TcpScript.established();
            s.send(100, s.data(R + 1, L + 1, "hello"));
            s.expectNothing(139);
            s.expect(140, s.seg(ACK).seq(L + 1).ack(R + 6));
            assertThat(s.events.readable).isEqualTo(1);
            assertThat(s.readAll()).isEqualTo("hello");
        }

        @Test
        void everySecondFullSegmentIsAckedAtOnce() {
            TcpScript s = TcpScript.established();
            String full = "y".repeat(1460);
            s.send(100, s.data(R + 1, L + 1, full));
            s.expectNothing(100);
            s.send(101, s.data(R + 1 + 1460, L + 1, full));
            s.expect(101, s.seg(ACK).seq(L + 1).ack(R + 1 + 2920));
        }

        @Test
        void duplicateDataIsAckedAtOnceAndNotDelivered() {
            TcpScript s = TcpScript.established();
            s.send(100, s.data(R + 1, L + 1, "abc"));
            s.expect(140, s.seg(ACK).ack(R + 4));
            s.send(200, s.data(R + 1, L + 1, "abc"));
            s.expect(200, s.seg(ACK).seq(L + 1).ack(R + 4));
            assertThat(s.readAll()).isEqualTo("abc");
        }

        @Test
        void overlappingRetransmissionDeliversOnlyNewBytes() {
            TcpScript s = TcpScript.established();
            s.send(100, s.data(R + 1, L + 1, "abc"));
            s.send(110, s.data(R + 1, L + 1, "abcdef"));
            assertThat(s.readAll()).isEqualTo("abcdef");
        }

        @Test
        void sentDataIsSegmentedByMss() {
            TcpScript s = TcpScript.established();
            assertThat(s.write(3000)).isEqualTo(3000);
            s.expect(0, s.seg(ACK).seq(L + 1).len(1460), s.seg(ACK).seq(L + 1461).len(1460),
                    s.seg(ACK | PSH).seq(L + 2921).len(80));
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 3001));
            s.expectNothing(10_000);
            assertThat(s.connection.sendQueueBytes()).isZero();
        }

        @Test
        void unackedDataIsRetransmittedWithBackoff() {
            TcpScript s = TcpScript.established();
            s.write("abc");
            s.expect(0, s.seg(ACK | PSH).seq(L + 1).ack(R + 1).window(65535).payload("abc"));
            // the handshake measured an RTT of 0, so RTO = 200 ms (the minimum), doubling
            s.expectNothing(199);
            s.expect(200, s.seg(ACK | PSH).seq(L + 1).payload("abc"));
            s.expect(600, s.seg(ACK | PSH).seq(L + 1).payload("abc"));
            s.expect(1400, s.seg(ACK | PSH).seq(L + 1).payload("abc"));
            s.send(1500, s.seg(ACK).seq(R + 1).ack(L + 4));
            s.expectNothing(100_000);
            assertThat(s.connection.snapshot(s.now).retransmissions()).isEqualTo(3);
        }

        @Test
        void retransmissionsGiveUpWithATimeout() {
            TcpScript s = TcpScript.established(TcpScript.plain().withRetries(6, 3));
            s.write("abc");
            s.expect(0, s.seg(ACK | PSH).len(3));
            s.expect(200, s.seg(ACK | PSH).len(3));
            s.expect(600, s.seg(ACK | PSH).len(3));
            s.expect(1400, s.seg(ACK | PSH).len(3));
            s.advance(3000);
            assertThat(s.events.cause).isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void pureAcksCarrySndMaxAfterATimeoutPulledSndNxtBack() {
            // regression (found against Linux): an ACK with the pulled-back SND.NXT is below the
            // peer's RCV.NXT, so the peer drops it and ignores its acknowledgment
            TcpScript s = TcpScript.established();
            s.write(3 * 1460);
            s.output.take();
            s.expect(200, s.seg(ACK).seq(L + 1).len(1460));
            s.send(210, s.data(R + 1, L + 1, "x"));
            s.expect(250, s.seg(ACK).seq(L + 1 + 3 * 1460).ack(R + 2).len(0));
        }

        @Test
        void anEmptySegmentAtTheRightEdgeOfOurWindowIsAccepted() {
            // regression (found against Linux): a peer whose SND.NXT is exactly our right edge
            // ACKs with that sequence number; rejecting it stalled both sides
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(4096, 4096));
            s.write("abc");
            s.output.take();
            s.send(10, s.seg(ACK).seq(R + 1 + 4096).ack(L + 4));
            s.expectNothing(10);
            assertThat(s.connection.sendQueueBytes()).isZero();
        }

        @Test
        void peerWindowLimitsWhatIsSent() {
            TcpScript s = TcpScript.established();
            s.send(1, s.seg(ACK).seq(R + 1).ack(L + 1).window(1000));
            s.write(3000);
            s.expect(1, s.seg(ACK).seq(L + 1).len(1000));
            s.send(2, s.seg(ACK).seq(R + 1).ack(L + 1001).window(3000));
            s.expect(2, s.seg(ACK).seq(L + 1001).len(1460), s.seg(ACK | PSH).seq(L + 2461).len(540));
        }

        @Test
        void fillingTheBufferExactlyAlsoPromisesWritable() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(64 * 1024, 4096));
            assertThat(s.write(4096)).isEqualTo(4096);
            s.output.take();
            s.send(2, s.seg(ACK).seq(R + 1).ack(L + 1461));
            assertThat(s.events.writable).isEqualTo(1);
        }

        @Test
        void writeTakesOnlyTheFreeSendBuffer() {
            TcpScript s = TcpScript.established(TcpScript.plain().withBuffers(64 * 1024, 4096));
            s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1).window(0));
            assertThat(s.write(10_000)).isEqualTo(4096);
            assertThat(s.connection.sendBufferFree()).isZero();
            assertThat(s.write(10)).isZero();
            s.send(1, s.seg(ACK).seq(R + 1).ack(L + 1).window(65535));
            s.output.take();
            s.send(2, s.seg(ACK).seq(R + 1).ack(L + 4097).window(65535));
            assertThat(s.events.writable).isEqualTo(1);
        }
    }

    @Nested
    class Close {
        @Test
        void passiveCloseThroughCloseWaitAndLastAck() {
            TcpScript s = TcpScript.established();
            s.send(10, s.seg(FIN | ACK).seq(R + 1).ack(L + 1));
            s.expect(10, s.seg(ACK).seq(L + 1).ack(R + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.CLOSE_WAIT);
            assertThat(s.connection.isInputShutdown()).isTrue();
            assertThat(s.events.readable).isEqualTo(1);
            s.connection.close(s.now);
            s.expect(20, s.seg(FIN | ACK).seq(L + 1).ack(R + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.LAST_ACK);
            s.send(30, s.seg(ACK).seq(R + 2).ack(L + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.CLOSED);
            assertThat(s.events.closed).isEqualTo(1);
            assertThat(s.events.cause).isNull();
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void activeCloseThroughFinWaitAndTimeWait() {
            TcpScript s = TcpScript.established();
            s.connection.close(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 1).ack(R + 1));
            assertThat(s.connection.state()).isEqualTo(TcpState.FIN_WAIT_1);
            s.send(10, s.seg(ACK).seq(R + 1).ack(L + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.FIN_WAIT_2);
            s.send(20, s.seg(FIN | ACK).seq(R + 1).ack(L + 2));
            s.expect(20, s.seg(ACK).seq(L + 2).ack(R + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(s.events.closed).isEqualTo(1);
            // a retransmitted FIN is acknowledged again
            s.send(30, s.seg(FIN | ACK).seq(R + 1).ack(L + 2));
            s.expect(30, s.seg(ACK).seq(L + 2).ack(R + 2));
            s.advance(30 + 60_000 - 1); // 2 MSL restarted by the retransmitted FIN
            assertThat(s.engine.connections()).hasSize(1);
            s.advance(30 + 60_000);
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void finWithLastDataSegment() {
            TcpScript s = TcpScript.established();
            s.write("bye");
            s.expect(0, s.seg(ACK | PSH).seq(L + 1).payload("bye"));
            s.connection.shutdownOutput(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 4));
            s.send(5, s.seg(ACK).seq(R + 1).ack(L + 5));
            assertThat(s.connection.state()).isEqualTo(TcpState.FIN_WAIT_2);
        }

        @Test
        void simultaneousCloseGoesThroughClosing() {
            TcpScript s = TcpScript.established();
            s.connection.close(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 1).ack(R + 1));
            s.send(5, s.seg(FIN | ACK).seq(R + 1).ack(L + 1));
            s.expect(5, s.seg(ACK).seq(L + 2).ack(R + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.CLOSING);
            s.send(6, s.seg(ACK).seq(R + 2).ack(L + 2));
            assertThat(s.connection.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void halfCloseKeepsReceiving() {
            TcpScript s = TcpScript.established();
            s.connection.shutdownOutput(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 1));
            s.send(5, s.seg(ACK).seq(R + 1).ack(L + 2));
            s.send(10, s.data(R + 1, L + 2, "still talking"));
            assertThat(s.readAll()).isEqualTo("still talking");
            s.expect(50, s.seg(ACK).seq(L + 2).ack(R + 14));
            s.send(60, s.seg(FIN | ACK).seq(R + 14).ack(L + 2));
            s.expect(60, s.seg(ACK).ack(R + 15));
            assertThat(s.connection.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void peerHalfCloseLetsUsKeepSending() {
            TcpScript s = TcpScript.established();
            s.send(10, s.seg(FIN | ACK).seq(R + 1).ack(L + 1));
            s.expect(10, s.seg(ACK).ack(R + 2));
            s.write("more");
            s.expect(10, s.seg(ACK | PSH).seq(L + 1).ack(R + 2).payload("more"));
        }

        @Test
        void closeWithUnreadDataResets() {
            TcpScript s = TcpScript.established();
            s.send(10, s.data(R + 1, L + 1, "unread"));
            s.connection.close(s.now);
            s.expect(10, s.seg(RST | ACK).seq(L + 1).ack(R + 7));
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void dataAfterCloseIsAnsweredWithReset() {
            TcpScript s = TcpScript.established();
            s.connection.close(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 1));
            s.send(5, s.seg(ACK).seq(R + 1).ack(L + 2));
            s.send(6, s.data(R + 1, L + 2, "late"));
            s.expect(6, s.seg(RST | ACK).seq(L + 2));
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void orphanedFinWait2TimesOut() {
            TcpScript s = TcpScript.established();
            s.connection.close(0);
            s.expect(0, s.seg(FIN | ACK));
            s.send(5, s.seg(ACK).seq(R + 1).ack(L + 2));
            s.advance(60_004);
            assertThat(s.engine.connections()).hasSize(1);
            s.advance(60_005);
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void abortSendsReset() {
            TcpScript s = TcpScript.established();
            s.connection.abort(0);
            s.expect(0, s.seg(RST | ACK).seq(L + 1).ack(R + 1));
            assertThat(s.engine.connections()).isEmpty();
        }

        @Test
        void lostFinIsRetransmitted() {
            TcpScript s = TcpScript.established();
            s.connection.close(0);
            s.expect(0, s.seg(FIN | ACK).seq(L + 1));
            s.expect(200, s.seg(FIN | ACK).seq(L + 1));
        }

        @Test
        void resetEndsTheConnectionWithACause() {
            TcpScript s = TcpScript.established();
            s.send(10, s.seg(RST).seq(R + 1));
            assertThat(s.events.cause).isInstanceOf(TcpResetException.class);
            assertThat(s.engine.connections()).isEmpty();
        }
    }
}
