package io.multistack.stack.tcp;

import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The send side: SND.UNA/NXT/MAX, the send queue, segmentation with Nagle and sender SWS
 * avoidance, ACK processing, the retransmission timer (RFC 6298, Karn), loss recovery
 * (NewReno RFC 6582 without SACK, RFC 6675 pipe/NextSeg with SACK), persist probes and the
 * segments we emit.
 */
final class Sender {
    private static final int TIMESTAMP_OPTION_LENGTH = TcpOptions.NONE.withTimestamp(0, 0).length();
    private final TcpConnection c;
    final SendQueue queue = new SendQueue();
    final RttEstimator rtt;
    final CongestionControl cc;
    final LossRecovery recovery;
    final CwndUsage cwndUsage = new CwndUsage();
    final int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    int bufferSize;
    boolean writeBlocked;
    private boolean synAcked;
    private boolean finQueued;
    private boolean finAcked;
    private int peerMss = TcpConnection.SYN_MSS_DEFAULT;
    private int pathMtu = Integer.MAX_VALUE;
    // RTT timing without timestamps: one segment at a time (Karn: never a retransmitted one)
    private int rttSeq;
    private long rttStart = -1;
    private int retries;
    private int smallSentEnd; // end of the last sub-MSS segment (Minshall's Nagle)
    long retransmissions;

    Sender(TcpConnection c, int iss, long now) {
        this.c = c;
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.recovery = new LossRecovery(c, this, iss);
        this.smallSentEnd = iss;
        this.bufferSize = c.settings.sendBuffer();
        TcpSettings s = c.settings;
        this.rtt = new RttEstimator(s.initialRtoNanos(), s.minRtoNanos(), s.maxRtoNanos());
        this.cc = CongestionControl.create(s.congestionControl(), mss(), s.initialWindowSegments());
    }

    // ---------------------------------------------------------------- sizes

    private int localMss() {
        return c.engine.output().mtu() - 40;
    }

    /** Largest segment payload+options the path takes (RFC 9293 3.7.1 / RFC 6691). */
    int maxSegment() {
        return Math.max(64, Math.min(peerMss, Math.min(localMss(), pathMtu - 40)));
    }

    /** Sender MSS (payload of a full segment with the usual options), the congestion control unit. */
    int mss() {
        return maxSegment() - (c.timestamps ? 12 : 0);
    }

    /** Full-sized segments we expect from the peer (for delayed ACK counting). */
    int receiveMss() {
        return localMss() - (c.timestamps ? 12 : 0);
    }

    void peerMss(int value) {
        peerMss = Math.max(64, value);
        cc.mss(mss());
    }

    void pathMtu(int mtu, long now) {
        if (mtu < pathMtu && mtu >= 68 + 40) {
            pathMtu = mtu;
            cc.mss(mss());
            if (Seq.gt(sndMax, sndUna) && c.state.synchronized_()) {
                // what is in flight was too big: send it again in smaller segments
                sndNxt = sndUna;
                recovery.pathChanged();
                output(now);
            }
        }
    }

    int queued() {
        return queue.size();
    }

    int free() {
        long free = Math.min((long) bufferSize - queue.size(), c.engine.budget().availableTo(queue.size()));
        return (int) Math.max(0, free);
    }

    boolean finQueued() {
        return finQueued;
    }

    boolean finAcked() {
        return finAcked;
    }

    boolean hasOutstanding() {
        return sndMax != sndUna;
    }

    private int dataStart() {
        return synAcked ? sndUna : iss + 1;
    }

    int dataEnd() {
        return dataStart() + queue.size();
    }

    // ---------------------------------------------------------------- application side

    int enqueue(ByteBuf data) {
        int n = Math.min(data.readableBytes(), free());
        if (n > 0) {
            queue.add(data.retainedSlice(data.readerIndex(), n));
            c.engine.budget().charge(n);
        }
        return n;
    }

    void queueFin() {
        finQueued = true;
    }

    // ---------------------------------------------------------------- handshake

    void sendSyn(long now, boolean synAck) {
        sndNxt = iss + 1;
        sndMax = iss + 1;
        rttSeq = iss;
        rttStart = now;
        emit(iss, synAck ? Tcp.SYN | Tcp.ACK : Tcp.SYN, 0, 0, now);
        c.armRetransmit(now + rtt.rto());
    }

    void retransmitSyn(long now) {
        rttStart = -1;
        boolean synAck = c.state == TcpState.SYN_RECEIVED;
        emit(iss, synAck ? Tcp.SYN | Tcp.ACK : Tcp.SYN, 0, 0, now);
        sndNxt = Seq.max(sndNxt, iss + 1);
        sndMax = Seq.max(sndMax, iss + 1);
        c.armRetransmit(now + rtt.rto());
    }

    /** SYN-SENT got an acceptable SYN-ACK. */
    void synAcked(Segment h, long now) {
        synAcked = true;
        sndUna = h.ack();
        sndNxt = Seq.max(sndNxt, sndUna);
        sampleRtt(h, now);
        retries = 0;
        c.armRetransmit(TcpConnection.NONE);
    }

    void cookieEstablished(int mss) {
        sndNxt = iss + 1;
        sndMax = iss + 1;
        peerMss(mss);
    }

    void peerWindow(int window, int seq, int ack) {
        sndWnd = window;
        sndWl1 = seq;
        sndWl2 = ack;
        maxSndWnd = Math.max(maxSndWnd, window);
    }

    // ---------------------------------------------------------------- ACK processing

    /** RFC 9293 3.10.7.4 fifth check with RFC 5961 5.2; false means drop the segment. */
    boolean ackArrives(Segment h, int payloadLength, long now) {
        int ack = h.ack();
        if (Seq.gt(ack, sndMax)) {
            c.engine.count("tcp.ack-beyond-sent");
            sendAck(now);
            return false;
        }
        if (Seq.lt(ack, sndUna - Math.max(maxSndWnd, 1))) {
            challengeAck(now);
            return false;
        }
        boolean sackChanged = recovery.sack(h.options().sackBlocks());
        int window = h.window() << c.sendShift;
        boolean windowUpdate = Seq.lt(sndWl1, h.seq()) || (sndWl1 == h.seq() && Seq.le(sndWl2, ack));
        boolean windowChanged = windowUpdate && window != sndWnd;
        if (Seq.gt(ack, sndUna)) {
            newAck(h, sackChanged, now);
        } else if (ack == sndUna && payloadLength == 0 && !h.has(Tcp.FIN) && !windowChanged && hasOutstanding()) {
            recovery.duplicateAck(now);
        }
        if (windowUpdate) {
            sndWnd = window;
            sndWl1 = h.seq();
            sndWl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, window);
            if (c.persisting && sndWnd > 0) {
                c.persisting = false;
                c.armRetransmit(TcpConnection.NONE);
            }
        }
        return true;
    }

    private void newAck(Segment h, boolean sackChanged, long now) {
        int ack = h.ack();
        int acked = ack - sndUna;
        int flightBefore = sndMax - sndUna;
        if (!synAcked) {
            synAcked = true;
            acked--;
        }
        int dataAcked = Math.min(acked, queue.size());
        if (dataAcked > 0) {
            queue.drop(dataAcked);
            c.engine.budget().release(dataAcked);
        }
        if (acked > dataAcked && finQueued) {
            finAcked = true;
        }
        sndUna = ack;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        sampleRtt(h, now);
        retries = 0;
        recovery.advancingAck(ack, dataAcked, flightBefore, sackChanged, now);
        if (!c.persisting) {
            c.armRetransmit(hasOutstanding() ? now + rtt.rto() : TcpConnection.NONE);
        }
        int free = free();
        if (writeBlocked && free > 0 && (free >= bufferSize / 3 || queue.size() == 0 || free >= 65536)) {
            // like Linux's write wake-up: wait for a useful amount, not every freed segment
            writeBlocked = false;
            c.signalWritable();
        }
    }

    private void sampleRtt(Segment h, long now) {
        Segment o = h.options();
        if (c.timestamps && o.hasTimestamp() && o.tsEcr() != 0) {
            int ms = c.tsNow(now) - o.tsEcr();
            if (ms >= 0 && ms < 600_000) {
                rtt.sample(Math.max(1, ms) * 1_000_000L);
            }
            rttStart = -1;
        } else if (rttStart >= 0 && Seq.gt(h.ack(), rttSeq)) {
            rtt.sample(now - rttStart);
            rttStart = -1;
        } else {
            rtt.resetBackoff();
        }
    }

    // ---------------------------------------------------------------- timers

    void retransmitTimeout(long now) {
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
            if (++retries > c.settings.synRetries()) {
                c.terminate(c.active ? new ConnectException("Connection timed out") : null, !c.active);
                return;
            }
            rtt.backOff();
            retransmissions++;
            retransmitSyn(now);
            return;
        }
        if (!hasOutstanding()) {
            return;
        }
        if (++retries > c.settings.maxRetransmissions()) {
            c.terminate(new TimeoutException("retransmission timeout"), false);
            return;
        }
        if (retries == 1) {
            cc.onRetransmissionTimeout(sndMax - sndUna, now);
        } else {
            cc.cwnd(mss());
        }
        rtt.backOff();
        recovery.timeout();
        sndNxt = sndUna; // go back N
        rttStart = -1;
        c.engine.count("tcp.rto");
        output(now);
        if (c.retransmitDeadline == TcpConnection.NONE && hasOutstanding()) {
            c.armRetransmit(now + rtt.rto());
        }
    }

    void persistProbe(long now) {
        sendProbe(now);
        c.persistBackoff++;
        long interval = rtt.rto() << Math.min(c.persistBackoff, 10);
        c.armRetransmit(now + Math.min(c.settings.maxRtoNanos(), interval));
    }

    void stopTimers() {
        c.armRetransmit(TcpConnection.NONE);
        c.persisting = false;
    }

    void releaseBuffers() {
        c.engine.budget().release(queue.size());
        queue.releaseAll();
    }

    // ---------------------------------------------------------------- output

    /**
     * Sends what windows, Nagle and recovery allow, notes whether the congestion window was
     * what stopped it, then arms the persist timer if stuck on a zero window.
     */
    void output(long now) {
        switch (c.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> { }
            default -> {
                return;
            }
        }
        int maxBefore = sndMax;
        int nextBefore = sndNxt;
        if (recovery.sackRecovery()) {
            recovery.output(now);
        } else {
            while (sendNext(now, sndNxt - sndUna)) {
                // keep sending
            }
        }
        cwndUsage.afterOutput(sndUna, sndNxt, sndNxt - sndUna, cc.cwnd(), mss(),
                sndMax != maxBefore || sndNxt != nextBefore);
        int unsent = dataEnd() - sndNxt;
        if (unsent > 0 && sndWnd == 0 && sndNxt == sndUna && c.retransmitDeadline == TcpConnection.NONE) {
            c.persisting = true;
            c.persistBackoff = 0;
            c.armRetransmit(now + rtt.rto());
        }
    }

    /** Sends one segment at SND.NXT if allowed; {@code flight} is what the congestion window must cover. */
    boolean sendNext(long now, int flight) {
        int end = dataEnd();
        int unsent = end - sndNxt;
        if (unsent > 0) {
            int cwndRoom = cc.cwnd() - flight;
            int windowRoom = sndUna + sndWnd - sndNxt;
            int room = Math.min(cwndRoom, windowRoom);
            int limit = payloadLimit();
            int length = Math.min(Math.min(limit, unsent), room);
            if (length <= 0) {
                return false;
            }
            boolean fresh = sndNxt == sndMax;
            if (length < limit && fresh && hasOutstanding()) {
                if (length < unsent) {
                    // window-limited runt: sender SWS avoidance (RFC 9293 3.8.6.2.1)
                    if (length < maxSndWnd / 2) {
                        return false;
                    }
                } else if (!c.noDelay && !finQueued && Seq.gt(smallSentEnd, sndUna)) {
                    // Nagle with Minshall's refinement (as Linux): a small segment waits while an
                    // earlier small segment is unacknowledged
                    return false;
                }
            }
            if (length < limit && fresh) {
                smallSentEnd = sndNxt + length;
            }
            if (fresh && rttStart < 0 && !c.timestamps) {
                rttSeq = sndNxt;
                rttStart = now;
            }
            if (!fresh) {
                retransmissions++;
            }
            sendData(sndNxt, length, now);
            return true;
        }
        if (unsent == 0 && finQueued && !finAcked) {
            if (Seq.lt(sndNxt, sndMax)) {
                retransmissions++;
            }
            sendData(sndNxt, 0, now); // the FIN on its own
        }
        return false;
    }

    /** Payload that fits in one segment with the options it will carry (no options built for it in the usual case). */
    int payloadLimit() {
        if (c.sack && c.receiver.hasOutOfOrder()) {
            return maxSegment() - dataOptions(0).length(); // SACK blocks: rare, during the peer's losses
        }
        return maxSegment() - (c.timestamps ? TIMESTAMP_OPTION_LENGTH : 0);
    }

    void sendData(int seq, int length, long now) {
        int end = dataEnd();
        boolean fin = finQueued && seq + length == end;
        int flags = Tcp.ACK;
        if (length > 0 && seq + length == end) {
            flags |= Tcp.PSH;
        }
        if (fin) {
            flags |= Tcp.FIN;
        }
        if (length > 0) {
            c.receiver.delayedAck.dataSent(now, c.settings.delayedAckNanos());
        }
        emit(seq, flags, seq - dataStart(), length, now);
        int next = seq + length + (fin ? 1 : 0);
        if (Seq.gt(next, sndNxt)) {
            sndNxt = next;
        }
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
        if (c.retransmitDeadline == TcpConnection.NONE) {
            c.armRetransmit(now + rtt.rto());
        }
    }

    /** Counts a retransmission of [seq, seq+length) and keeps Karn's rule: no RTT sample from it. */
    void retransmitted(int seq, int length) {
        retransmissions++;
        if (Seq.lt(rttSeq, seq + length)) {
            rttStart = -1;
        }
    }

    void sendAck(long now) {
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.CLOSED) {
            return;
        }
        emit(acceptableSeq(), Tcp.ACK, 0, 0, now);
    }

    /**
     * The sequence number of an empty segment (Linux's tcp_acceptable_seq): SND.MAX, not a
     * SND.NXT pulled back by a timeout (the peer has seen up to SND.MAX and would drop an older
     * one), but never beyond the right edge of the peer's window (a zero-window peer accepts
     * only its RCV.NXT). Either mistake makes the peer drop our ACKs: both were found as stalls.
     */
    private int acceptableSeq() {
        int edge = sndUna + sndWnd;
        return Seq.le(sndMax, edge) ? sndMax : Seq.max(edge, sndUna);
    }

    /** RFC 5961 challenge ACK, rate limited per engine. */
    void challengeAck(long now) {
        if (c.engine.allowChallengeAck(now)) {
            c.engine.count("tcp.challenge-ack");
            sendAck(now);
        } else {
            c.engine.count("tcp.challenge-ack-limited");
        }
    }

    /** Keep-alive and zero-window probe: an old sequence number forces the peer to ACK (Linux style). */
    void sendProbe(long now) {
        emit(sndUna - 1, Tcp.ACK, 0, 0, now);
    }

    /** Our RST for this connection (abort, data after close). */
    void sendReset(long now) {
        emit(acceptableSeq(), Tcp.RST | Tcp.ACK, 0, 0, now);
    }

    /** RST with the sequence number the peer's bad ACK asked for (RFC 9293 3.10.7.3). */
    void sendReset(int seq, long now) {
        c.engine.sendReset(c.tuple, seq, 0, Tcp.RST, now);
    }

    private TcpOptions synOptions(long now, boolean synAck) {
        TcpOptions o = TcpOptions.NONE.withMss(localMss());
        TcpSettings s = c.settings;
        if (synAck ? c.windowScaling : s.windowScaling()) {
            o = o.withWindowScale(c.receiveShift);
        }
        if (synAck ? c.sack : s.sack()) {
            o = o.withSackPermitted(true);
        }
        if (synAck ? c.timestamps : s.timestamps()) {
            o = o.withTimestamp(c.tsNow(now), synAck ? c.receiver.tsRecent : 0);
        }
        return o;
    }

    private TcpOptions dataOptions(long now) {
        TcpOptions o = TcpOptions.NONE;
        if (c.timestamps) {
            o = o.withTimestamp(c.tsNow(now), c.receiver.tsRecent);
        }
        if (c.sack && c.receiver.hasOutOfOrder()) {
            List<int[]> blocks = c.receiver.sackBlocks();
            int max = Math.min(blocks.size(), c.timestamps ? 3 : 4);
            int[] edges = new int[2 * max];
            for (int i = 0; i < max; i++) {
                edges[2 * i] = blocks.get(i)[0];
                edges[2 * i + 1] = blocks.get(i)[1];
            }
            o = o.withSackBlocks(edges);
        }
        return o;
    }

    private void emit(int seq, int flags, int dataOffset, int length, long now) {
        boolean syn = (flags & Tcp.SYN) != 0;
        boolean ack = (flags & Tcp.ACK) != 0;
        int window = c.receiver.windowToAdvertise(syn);
        int ackNumber = ack ? c.receiver.rcvNxt : 0;
        ByteBuf out;
        int at;
        if (!syn && !(c.sack && c.receiver.hasOutOfOrder())) {
            // the per-segment case (no options or the timestamp only): written without records
            int optionsLength = c.timestamps ? TcpOptions.TIMESTAMP_LENGTH : 0;
            out = c.engine.output().allocate(Tcp.MIN_HEADER_LENGTH + optionsLength + length);
            at = out.writerIndex();
            Tcp.emit(out, c.tuple.localPort(), c.tuple.remotePort(), seq, ackNumber, flags, window, optionsLength);
            if (c.timestamps) {
                TcpOptions.emitTimestamp(out, c.tsNow(now), c.receiver.tsRecent);
            }
        } else {
            TcpOptions options = syn ? synOptions(now, ack) : dataOptions(now);
            Tcp header = new Tcp(c.tuple.localPort(), c.tuple.remotePort(), seq, ackNumber, flags, window, 0, options);
            out = c.engine.output().allocate(header.headerLength() + length);
            at = out.writerIndex();
            header.emit(out);
        }
        if (length > 0) {
            queue.copy(dataOffset, length, out);
        }
        Tcp.fillChecksum(out, at, c.tuple.localIp(), c.tuple.remoteIp());
        if (ack) {
            c.receiver.ackSent();
        }
        c.engine.transmit(c.tuple.localIp(), c.tuple.remoteIp(), out, now);
    }
}
