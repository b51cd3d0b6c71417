package io.multistack.stack.tcp;

import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;

/**
 * A passive open (LISTEN). Up to {@code backlog} handshakes are kept as SYN-RECEIVED
 * connections; beyond that SYNs are answered statelessly with {@link SynCookies}.
 * Established connections are handed to the {@link AcceptHandler} at once (the transport
 * owns the accept queue).
 */
public final class TcpListener {
    private final TcpEngine engine;
    private final int localIp;
    private final int port;
    private final int backlog;
    private final AcceptHandler handler;
    private int embryonic;
    private boolean open = true;
    private long cookiesSent;
    private long cookiesAccepted;
    private long lastCookieAt;
    private static final long COOKIE_RECENT_NANOS = 128_000_000_000L; // two cookie periods
    private int receiveBuffer;
    private int sendBuffer;

    TcpListener(TcpEngine engine, int localIp, int port, int backlog, AcceptHandler handler) {
        this.engine = engine;
        this.localIp = localIp;
        this.port = port;
        this.backlog = Math.max(1, backlog);
        this.handler = handler;
        this.receiveBuffer = engine.settings().receiveBuffer();
        this.sendBuffer = engine.settings().sendBuffer();
    }

    /**
     * Buffer sizes of connections accepted from now on (SO_RCVBUF/SO_SNDBUF of a server
     * socket); the receive size also chooses their window scale. SYN cookies use the
     * engine's defaults, since they keep no state.
     */
    public void bufferSizes(int receive, int send) {
        this.receiveBuffer = Math.max(1024, receive);
        this.sendBuffer = Math.max(1024, send);
    }

    public int localIp() {
        return localIp;
    }

    public int port() {
        return port;
    }

    public boolean isOpen() {
        return open;
    }

    /** Handshakes in SYN-RECEIVED. */
    public int pending() {
        return embryonic;
    }

    public long cookiesSent() {
        return cookiesSent;
    }

    public long cookiesAccepted() {
        return cookiesAccepted;
    }

    /** Stops listening; handshakes in progress are reset, accepted connections stay. */
    public void close(long now) {
        if (open) {
            open = false;
            engine.unlisten(this, now);
        }
    }

    /** LISTEN state processing (RFC 9293 3.10.7.2). */
    void segmentArrives(int sourceIp, int destinationIp, Segment h, ByteBuf payload, long now) {
        FourTuple tuple = new FourTuple(destinationIp, h.destinationPort(), sourceIp, h.sourcePort());
        if (h.has(Tcp.RST)) {
            return;
        }
        if (h.has(Tcp.ACK)) {
            if (!h.has(Tcp.SYN) && acceptCookie(tuple, h, payload, now)) {
                return;
            }
            if (cookiesSent > 0 && now - lastCookieAt < COOKIE_RECENT_NANOS) {
                // as Linux: while cookies are in use, a segment that is not a valid cookie ACK is
                // dropped, not reset; it may be later data of a handshake whose first ACK was lost,
                // and the peer's retransmission from ISN+1 will validate
                engine.count("tcp.syn-cookie-invalid-dropped");
                return;
            }
            engine.sendReset(tuple, h.ack(), 0, Tcp.RST, now);
            return;
        }
        if (!h.has(Tcp.SYN)) {
            return;
        }
        if (embryonic >= backlog) {
            sendCookie(tuple, h, now);
            return;
        }
        int isn = engine.isn().isn(tuple.localIp(), tuple.localPort(), tuple.remoteIp(), tuple.remotePort(), now);
        TcpConnection c = new TcpConnection(engine, tuple, false, isn, now);
        c.listener = this;
        c.receiver.bufferSize = receiveBuffer;
        c.sender.bufferSize = sendBuffer;
        embryonic++;
        engine.add(c);
        c.openPassive(h, now);
    }

    private void sendCookie(FourTuple tuple, Segment syn, long now) {
        Segment peer = syn.options();
        int peerMss = peer.mss() > 0 ? peer.mss() : TcpConnection.SYN_MSS_DEFAULT;
        int mss = Math.min(peerMss, engine.output().mtu() - 40);
        int cookie = engine.cookies().make(tuple, syn.seq(), mss, now);
        cookiesSent++;
        lastCookieAt = now;
        engine.count("tcp.syn-cookie-sent");
        TcpSettings settings = engine.settings();
        int window = Math.min(65535, settings.receiveBuffer());
        TcpOptions options = TcpOptions.NONE.withMss(engine.output().mtu() - 40);
        if (settings.timestamps() && peer.hasTimestamp()) {
            // the options the cookie cannot hold travel in our timestamp (see SynCookies)
            boolean sack = settings.sack() && peer.sackPermitted();
            int windowScale = settings.windowScaling() ? peer.windowScale() : -1;
            int tsNow = (int) (now / 1_000_000L)
                    + engine.isn().timestampOffset(tuple.localIp(), tuple.localPort(), tuple.remoteIp(), tuple.remotePort());
            options = options.withSackPermitted(sack)
                    .withTimestamp(SynCookies.encodeOptions(tsNow, windowScale, sack), peer.tsVal());
            if (windowScale >= 0) {
                options = options.withWindowScale(TcpConnection.shiftFor(settings, settings.receiveBuffer()));
            }
        }
        Tcp synAck = new Tcp(tuple.localPort(), tuple.remotePort(), cookie, syn.seq() + 1, Tcp.SYN | Tcp.ACK,
                window, 0, options);
        engine.sendHeader(tuple, synAck, now);
    }

    private boolean acceptCookie(FourTuple tuple, Segment h, ByteBuf payload, long now) {
        if (embryonic < backlog && cookiesSent == 0) {
            return false;
        }
        int mss = engine.cookies().check(tuple, h.seq() - 1, h.ack() - 1, now);
        if (mss < 0) {
            engine.count("tcp.syn-cookie-invalid");
            return false;
        }
        cookiesAccepted++;
        engine.count("tcp.syn-cookie-accepted");
        TcpConnection c = new TcpConnection(engine, tuple, false, h.ack() - 1, now);
        c.listener = this;
        embryonic++;
        engine.add(c);
        c.openFromCookie(h, mss, now);
        c.segmentArrives(h, payload, now);
        c.deliverEvents();
        return true;
    }

    /** A child reached ESTABLISHED: hand it over. */
    void established(TcpConnection c) {
        embryonic--;
        if (!open) {
            c.abort(engine.lastNow());
            return;
        }
        handler.accepted(c);
    }

    void embryoGone() {
        embryonic--;
    }
}
