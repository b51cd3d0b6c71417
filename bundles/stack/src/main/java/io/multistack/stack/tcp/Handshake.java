package io.multistack.stack.tcp;

import io.multistack.wire.Tcp;
import java.net.ConnectException;

/**
 * Opening a connection (RFC 9293 3.5): the active SYN, the passive SYN-ACK, SYN-SENT
 * processing including simultaneous open, option negotiation (MSS, RFC 7323 window scale
 * and timestamps, RFC 2018 SACK-permitted) and connections born from SYN cookies.
 */
final class Handshake {
    private Handshake() {}

    static void openActive(TcpConnection c, long now) {
        c.receiveShift = chooseShift(c);
        c.state = TcpState.SYN_SENT;
        c.sender.sendSyn(now, false);
    }

    /** A listener's SYN: SYN-RECEIVED, options negotiated, SYN-ACK sent. */
    static void openPassive(TcpConnection c, Segment syn, long now) {
        c.receiver.init(syn.seq());
        negotiate(c, syn.options(), true);
        c.sender.peerWindow(syn.window(), syn.seq(), syn.ack());
        c.state = TcpState.SYN_RECEIVED;
        tsRecent(c, syn);
        c.sender.sendSyn(now, true);
    }

    /**
     * A valid SYN cookie ACK: ESTABLISHED at once with the cookie's MSS, and window scaling,
     * SACK and timestamps when the peer echoed a cookie timestamp carrying them.
     */
    static void openFromCookie(TcpConnection c, Segment ack, int mss, long now) {
        c.fromCookie = true;
        c.receiver.init(ack.seq() - 1);
        c.receiver.rcvAdv = c.receiver.rcvNxt + Math.min(65535, c.receiver.bufferSize); // what the cookie SYN-ACK offered
        Segment o = ack.options();
        if (c.settings.timestamps() && o.hasTimestamp()) {
            c.timestamps = true;
            c.sack = c.settings.sack() && SynCookies.decodeSack(o.tsEcr());
            int peerShift = SynCookies.decodeWindowScale(o.tsEcr());
            c.windowScaling = c.settings.windowScaling() && peerShift >= 0;
            if (c.windowScaling) {
                c.sendShift = peerShift;
                c.receiveShift = chooseShift(c);
            }
            c.receiver.tsRecent = o.tsVal();
            c.receiver.tsRecentValid = true;
        }
        c.sender.cookieEstablished(mss);
        c.sender.peerWindow(ack.window() << c.sendShift, ack.seq(), ack.ack());
        c.state = TcpState.SYN_RECEIVED;
    }

    /** Our window scale: the smallest shift that lets the window cover the receive buffer (RFC 7323 2.3). */
    static int shiftFor(TcpSettings settings, int receiveBuffer) {
        if (!settings.windowScaling()) {
            return 0;
        }
        // room for what auto-tuning may grow the buffer to (the scale is fixed at the handshake)
        int largest = Math.max(receiveBuffer, settings.receiveBufferMax());
        int shift = 0;
        while (shift < 14 && (65535L << shift) < largest) {
            shift++;
        }
        return shift;
    }

    static int chooseShift(TcpConnection c) {
        return shiftFor(c.settings, c.receiver.bufferSize);
    }

    /** Applies the options of the peer's SYN (ours were offered per settings). */
    static void negotiate(TcpConnection c, Segment peer, boolean passive) {
        int peerMss = peer.mss() > 0 ? peer.mss() : TcpConnection.SYN_MSS_DEFAULT;
        c.windowScaling = c.settings.windowScaling() && peer.windowScale() >= 0;
        if (c.windowScaling) {
            c.sendShift = Math.min(14, peer.windowScale());
            if (passive) {
                c.receiveShift = chooseShift(c);
            }
        } else {
            c.sendShift = 0;
            c.receiveShift = 0;
        }
        c.timestamps = c.settings.timestamps() && peer.hasTimestamp();
        c.sack = c.settings.sack() && peer.sackPermitted();
        c.sender.peerMss(peerMss);
    }

    private static void tsRecent(TcpConnection c, Segment segment) {
        if (c.timestamps && segment.options().hasTimestamp()) {
            c.receiver.tsRecent = segment.options().tsVal();
            c.receiver.tsRecentValid = true;
        }
    }

    static void synSent(TcpConnection c, Segment h, long now) {
        boolean ackAcceptable = false;
        if (h.has(Tcp.ACK)) {
            if (Seq.le(h.ack(), c.sender.iss) || Seq.gt(h.ack(), c.sender.sndNxt)) {
                if (!h.has(Tcp.RST)) {
                    c.sender.sendReset(h.ack(), now);
                }
                return;
            }
            ackAcceptable = true;
        }
        if (h.has(Tcp.RST)) {
            if (ackAcceptable) {
                c.terminate(new ConnectException("Connection refused"), false);
            }
            return;
        }
        if (!h.has(Tcp.SYN)) {
            return;
        }
        c.receiver.init(h.seq());
        negotiate(c, h.options(), false);
        tsRecent(c, h);
        if (ackAcceptable) {
            c.sender.synAcked(h, now);
            c.sender.peerWindow(h.window(), h.seq(), h.ack()); // the SYN-ACK's window is never scaled
            c.established(now);
            c.sender.output(now);
            // the ACK of the SYN-ACK at the end of the batch: data the application writes when it
            // hears connected() carries it (Linux delays it likewise when a write is pending)
            c.oweAck();
        } else {
            // simultaneous open (RFC 9293 3.5, figure 8)
            c.state = TcpState.SYN_RECEIVED;
            c.sender.peerWindow(h.window(), h.seq(), h.ack());
            c.sender.retransmitSyn(now);
        }
    }
}
