package io.multistack.stack.transport;

import io.multistack.api.stack.ConnectionInfo;
import io.multistack.stack.core.IpOutput;
import io.multistack.stack.core.TcpHandler;
import io.multistack.stack.tcp.AcceptHandler;
import io.multistack.stack.tcp.ConnectionHandler;
import io.multistack.stack.tcp.TcpConnection;
import io.multistack.stack.tcp.TcpConnectionSnapshot;
import io.multistack.stack.tcp.TcpEngine;
import io.multistack.stack.tcp.TcpListener;
import io.multistack.stack.tcp.TcpOutput;
import io.multistack.wire.Ipv4;
import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Joins a tenant's TCP engine to its IPv4 layer, in both directions. */
public final class TcpBinding implements TcpHandler, TcpOutput {
    private final IpOutput ip;
    private final List<TcpListener> listeners = new ArrayList<>();
    private TcpEngine engine;

    public TcpBinding(IpOutput ip) {
        this.ip = ip;
    }

    /** Set once, right after construction (the engine needs this binding as its output). */
    public void engine(TcpEngine engine) {
        this.engine = engine;
    }

    public TcpEngine engine() {
        return engine;
    }

    /** Opens a listener (and remembers it for {@link #connections}). */
    public TcpListener listen(int localIp, int port, int backlog, AcceptHandler handler) {
        listeners.removeIf(listener -> !listener.isOpen());
        TcpListener listener = engine.listen(localIp, port, backlog, handler);
        listeners.add(listener);
        return listener;
    }

    public TcpConnection connect(int localIp, int localPort, int remoteIp, int remotePort, ConnectionHandler handler,
            long now) {
        return engine.connect(localIp, localPort, remoteIp, remotePort, handler, now);
    }

    // ---- TcpOutput: segments from the engine ----

    @Override
    public ByteBuf allocate(int tcpLength) {
        return ip.allocate(tcpLength);
    }

    @Override
    public void send(int sourceIp, int destinationIp, ByteBuf tcpSegment, long now) {
        ip.send(Ipv4.PROTOCOL_TCP, destinationIp, tcpSegment, now);
    }

    @Override
    public int mtu() {
        return ip.mtu(0);
    }

    // ---- TcpHandler: segments and time from the IP layer ----

    @Override
    public void receive(int source, int destination, ByteBuf segment, long now) {
        engine.receive(source, destination, segment, now);
    }

    @Override
    public void tick(long now) {
        engine.tick(now);
    }

    /**
     * Ends a batch of received frames: the ACKs the batch owes leave now, one per connection
     * ({@link TcpEngine#flushAcks}). The stack's loop calls it after draining its inbox.
     */
    public void flush(long now) {
        engine.flushAcks(now);
    }

    /**
     * The engine's next deadline. The loop asks for it after every piece of work (an inbox
     * drain, a timer, a channel operation), which is exactly where a batch ends: so the owed
     * ACKs are flushed first, and the loop needs no zero-delay timer for them.
     */
    @Override
    public long nextDeadline() {
        engine.flushAcks();
        return engine.nextDeadline();
    }

    @Override
    public void pathMtuChanged(int remote, int mtu, long now) {
        engine.pathMtuChanged(remote, mtu, now);
    }

    @Override
    public List<ConnectionInfo> connections(long now) {
        List<ConnectionInfo> rows = new ArrayList<>();
        listeners.removeIf(listener -> !listener.isOpen());
        for (TcpListener listener : listeners) {
            rows.add(new ConnectionInfo("LISTEN", Ipv4Address.format(listener.localIp()) + ":" + listener.port(), "*:*",
                    listener.pending(), 0, 0, 0, 0, 0, 0, 0, 0,
                    "cookies sent " + listener.cookiesSent() + ", accepted " + listener.cookiesAccepted()));
        }
        for (TcpConnectionSnapshot s : engine.snapshots(now)) {
            rows.add(new ConnectionInfo(s.state().name(), Ipv4Address.format(s.localIp()) + ":" + s.localPort(),
                    Ipv4Address.format(s.remoteIp()) + ":" + s.remotePort(), s.receiveQueueBytes(), s.sendQueueBytes(),
                    s.cwnd(), s.ssthresh(), micros(s.srttNanos()), micros(s.rttvarNanos()), s.rtoNanos() / 1_000_000,
                    s.retransmissions(), s.mss(),
                    (s.sack() ? "sack " : "") + (s.timestamps() ? "ts " : "") + "wscale:" + s.sendWindowScale() + ","
                            + s.receiveWindowScale() + " " + s.congestionControl()));
        }
        return rows;
    }

    @Override
    public void close(long now) {
        engine.close(now);
    }

    private static long micros(long nanos) {
        return nanos < 0 ? -1 : nanos / 1000;
    }
}
