package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_PORT;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_PORT;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static io.multistack.wire.Tcp.ACK;
import static io.multistack.wire.Tcp.PSH;
import static io.multistack.wire.Tcp.RST;
import static io.multistack.wire.Tcp.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.TcpOptions;
import org.junit.jupiter.api.Test;

/** The engine's API as the transport uses it: listeners, options before SYN, PMTU, snapshots, close. */
class EngineApiTest {
    static final int L = LOCAL_SEQ;
    static final int R = REMOTE_SEQ;

    @Test
    void wildcardListenerAcceptsOnAnyLocalAddress() {
        TcpScript s = new TcpScript(TcpScript.plain());
        s.engine.listen(0, LOCAL_PORT, 4, c -> s.accepted.add(c));
        s.send(0, s.seg(SYN).seq(R));
        s.expect(0, s.seg(SYN | ACK).seq(L));
    }

    @Test
    void listenOnPortZeroPicksAnEphemeralPort() {
        TcpScript s = new TcpScript(TcpScript.plain());
        TcpListener l = s.engine.listen(LOCAL_IP, 0, 4, c -> { });
        assertThat(l.port()).isBetween(49152, 65535);
    }

    @Test
    void listenerBufferSizesChooseTheWindowScaleOfAcceptedConnections() {
        TcpScript s = new TcpScript(TcpSettings.defaults());
        s.listen(4);
        s.listener.bufferSizes(4 << 20, 1 << 20);
        s.send(0, s.seg(SYN).seq(R).options(s.remoteSynOptions()));
        s.expect(0, s.seg(SYN | ACK).options(TcpOptions.NONE.withMss(1460).withSackPermitted(true)
                .withTimestamp(0, 100).withWindowScale(7)));
    }

    @Test
    void optionsSetBeforeTheSynChooseItsWindowScale() {
        TcpScript s = new TcpScript(TcpSettings.defaults());
        s.connection = s.engine.connect(LOCAL_IP, LOCAL_PORT, REMOTE_IP, REMOTE_PORT, s.events, 0,
                c -> c.receiveBufferSize(16 << 20, 0));
        s.expect(0, s.seg(SYN).options(TcpOptions.NONE.withMss(1460).withSackPermitted(true).withTimestamp(0, 0)
                .withWindowScale(9)));
    }

    @Test
    void pathMtuDecreaseResendsInSmallerSegments() {
        TcpScript s = TcpScript.established();
        s.write(2000);
        s.expect(0, s.seg(ACK).seq(L + 1).len(1460), s.seg(ACK | PSH).seq(L + 1461).len(540));
        s.engine.pathMtuChanged(REMOTE_IP, 1000, s.now);
        s.expect(0, s.seg(ACK).seq(L + 1).len(960), s.seg(ACK).seq(L + 961).len(960),
                s.seg(ACK | PSH).seq(L + 1921).len(80));
        assertThat(s.connection.snapshot(s.now).mss()).isEqualTo(960);
        s.engine.pathMtuChanged(REMOTE_IP, 1400, s.now);
        assertThat(s.connection.snapshot(s.now).mss()).as("PMTU only ever decreases").isEqualTo(960);
    }

    @Test
    void snapshotsDescribeConnections() {
        TcpScript s = TcpScript.established(TcpSettings.defaults());
        s.write(100);
        TcpConnectionSnapshot snap = s.engine.snapshots(s.now).get(0);
        assertThat(snap.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(snap.localIp()).isEqualTo(LOCAL_IP);
        assertThat(snap.localPort()).isEqualTo(LOCAL_PORT);
        assertThat(snap.remoteIp()).isEqualTo(REMOTE_IP);
        assertThat(snap.remotePort()).isEqualTo(REMOTE_PORT);
        assertThat(snap.sendQueueBytes()).isEqualTo(100);
        assertThat(snap.cwnd()).isEqualTo(10 * 1448);
        assertThat(snap.mss()).isEqualTo(1448);
        assertThat(snap.sack()).isTrue();
        assertThat(snap.timestamps()).isTrue();
        assertThat(snap.sendWindowScale()).isEqualTo(7);
        assertThat(snap.receiveWindowScale()).isEqualTo(7);
        assertThat(snap.congestionControl()).isEqualTo("cubic");
    }

    @Test
    void readingDoesNotSendUselessWindowUpdates() {
        TcpScript s = TcpScript.established();
        s.send(1, s.data(R + 1, L + 1, "small"));
        assertThat(s.readAll()).isEqualTo("small");
        s.expect(1); // the unscaled window cannot grow beyond 65535: nothing to announce
        s.expect(41, s.seg(ACK).ack(R + 6));
    }

    @Test
    void closingTheEngineResetsEverything() {
        TcpScript s = TcpScript.established();
        s.engine.close(s.now);
        s.expect(0, s.seg(RST | ACK).seq(L + 1));
        assertThat(s.engine.connections()).isEmpty();
        assertThat(s.events.closed).isEqualTo(1);
        assertThat(s.engine.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        s.send(1, s.seg(SYN).seq(R + 500));
        s.expect(1, s.seg(RST | ACK).ack(R + 501));
    }

    @Test
    void handlerCallbacksMayWriteAndCloseReentrantly() {
        TcpScript s = TcpScript.listening(TcpScript.plain());
        s.listener.close(0);
        s.engine.listen(LOCAL_IP, LOCAL_PORT, 4, c -> c.handler(new ConnectionHandler() {
            @Override
            public void readable() {
                io.netty.buffer.ByteBuf b = c.read(100);
                c.write(b, 0);
                b.release();
                c.close(0);
            }
        }));
        s.send(0, s.seg(SYN).seq(R));
        s.output.take();
        s.send(0, s.seg(ACK).seq(R + 1).ack(L + 1));
        s.send(1, s.data(R + 1, L + 1, "echo me"));
        // the echo, our FIN and the ACK of the request share one segment
        s.expect(1, s.seg(io.multistack.wire.Tcp.FIN | ACK | PSH).seq(L + 1).ack(R + 8).payload("echo me"));
    }
}
