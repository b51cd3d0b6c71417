package io.multistack.stack.tcp;

import io.multistack.wire.Tcp;
import io.netty.buffer.ByteBuf;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * One TCP connection (RFC 9293): the application API, the segment-arrival state machine
 * (3.10.7) and the timers, reported as deadlines. Sending decisions live in {@link Sender},
 * receive-side bookkeeping in {@link Receiver}. Single-threaded; every call receives
 * {@code now}.
 */
public final class TcpConnection {
    static final long NONE = Long.MAX_VALUE;
    static final int SYN_MSS_DEFAULT = 536;

    final TcpEngine engine;
    final FourTuple tuple;
    final TcpSettings settings;
    final Sender sender;
    final Receiver receiver;
    TcpState state;
    TcpListener listener; // set while a passive open is not yet accepted
    private ConnectionHandler handler;
    final boolean active;
    boolean fromCookie;

    // negotiated options
    boolean timestamps;
    boolean sack;
    boolean windowScaling;
    int sendShift; // applied to the peer's window field
    int receiveShift; // applied to ours
    int tsOffset;

    // timers (deadlines in nanoseconds, NONE when disarmed)
    long retransmitDeadline = NONE;
    boolean persisting;
    int persistBackoff;
    long delayedAckDeadline = NONE;
    boolean ackOwed; // queued in the engine's PendingAcks until the end of the batch
    long keepAliveDeadline = NONE;
    int keepAliveProbes;
    long stateDeadline = NONE; // TIME-WAIT 2MSL or orphaned FIN-WAIT-2
    // the engine's TimerHeap: position (-1 when out) and the deadline it is placed at
    int timerIndex = -1;
    long timerKey = NONE;

    boolean noDelay;
    boolean keepAlive;
    boolean applicationClosed;
    private boolean aborting;

    // events for the handler, delivered after each entry point
    private boolean eventConnected;
    private boolean eventReadable;
    private boolean eventWritable;
    private boolean eventClosed;
    private Throwable closeCause;
    private boolean closedDelivered;

    TcpConnection(TcpEngine engine, FourTuple tuple, boolean active, int iss, long now) {
        this.engine = engine;
        this.tuple = tuple;
        this.settings = engine.settings();
        this.active = active;
        this.sender = new Sender(this, iss, now);
        this.receiver = new Receiver(this);
        this.tsOffset = engine.isn().timestampOffset(tuple.localIp(), tuple.localPort(), tuple.remoteIp(),
                tuple.remotePort());
    }

    // ---------------------------------------------------------------- application API

    public TcpState state() {
        return state;
    }

    public int localIp() {
        return tuple.localIp();
    }

    public int localPort() {
        return tuple.localPort();
    }

    public int remoteIp() {
        return tuple.remoteIp();
    }

    public int remotePort() {
        return tuple.remotePort();
    }

    /** Sets the event receiver (accepted connections start without one); pending events follow at once. */
    public void handler(ConnectionHandler value) {
        this.handler = value;
        if (receiver.queued() > 0 || receiver.finReceived()) {
            eventReadable = true;
        }
        deliverEvents();
    }

    public ConnectionHandler handler() {
        return handler;
    }

    /** In-order received data (a slice or composite the caller releases), or null if none. */
    public ByteBuf read(int maxBytes) {
        return receiver.read(maxBytes);
    }

    /** True once the peer's FIN arrived and every byte before it was read. */
    public boolean isInputShutdown() {
        return receiver.finReceived() && receiver.queued() == 0;
    }

    public boolean isOutputShutdown() {
        return sender.finQueued();
    }

    public boolean isOpen() {
        return state != TcpState.CLOSED && state != TcpState.TIME_WAIT;
    }

    public boolean isEstablished() {
        return state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT;
    }

    /**
     * Queues up to {@link #sendBufferFree()} bytes of {@code data} (retained slices, no copy;
     * the caller keeps its reference) and sends what the windows allow unless Nagle holds it.
     * Returns the bytes taken. When it took less than offered, or the buffer is now full,
     * {@link ConnectionHandler#writable()} follows once space is freed.
     */
    public int write(ByteBuf data, long now) {
        if (sender.finQueued() || state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            throw new IllegalStateException("output is shut down");
        }
        int taken = sender.enqueue(data);
        if (taken < data.readableBytes() || sender.free() == 0) {
            sender.writeBlocked = true; // writable() follows when space frees up
        }
        return taken;
    }

    /** Bytes {@link #write} would take now; 0 also promises a {@link ConnectionHandler#writable()} later. */
    public int sendBufferFree() {
        int free = sender.free();
        if (free == 0) {
            sender.writeBlocked = true;
        }
        return free;
    }

    /** Sends what is queued (Nagle applies unless {@link #noDelay(boolean)}). */
    public void flush(long now) {
        sender.output(now);
        deliverEvents();
    }

    /** Half close: FIN after the queued data. */
    public void shutdownOutput(long now) {
        switch (state) {
            case SYN_SENT -> terminate(null, false);
            case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                if (!sender.finQueued()) {
                    sender.queueFin();
                    state = state == TcpState.CLOSE_WAIT ? TcpState.LAST_ACK : TcpState.FIN_WAIT_1;
                    sender.output(now);
                }
            }
            default -> { }
        }
        deliverEvents();
    }

    /**
     * Full close. Unread received data turns it into an abort (RST, as Linux does); otherwise
     * FIN after the queued data, and the connection lingers as an orphan until its end.
     */
    public void close(long now) {
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            return;
        }
        if (receiver.queued() > 0) {
            abort(now);
            return;
        }
        applicationClosed = true;
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) {
            armState(now + settings.finWait2Nanos());
        }
    }

    /** Sends RST and drops everything. */
    public void abort(long now) {
        if (state != TcpState.CLOSED && state != TcpState.TIME_WAIT && state != TcpState.SYN_SENT) {
            sender.sendReset(now);
        }
        aborting = true;
        terminate(null, false);
        deliverEvents();
    }

    public boolean noDelay() {
        return noDelay;
    }

    /** TCP_NODELAY; turning it on sends what Nagle held back (as Linux's setsockopt does). */
    public void noDelay(boolean value) {
        boolean push = value && !noDelay;
        noDelay = value;
        if (push && state != null && state.synchronized_()) {
            sender.output(engine.lastNow());
            deliverEvents();
        }
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    public void keepAlive(boolean value, long now) {
        keepAlive = value;
        keepAliveProbes = 0;
        armKeepAlive(value && state != null && state.synchronized_() ? now + settings.keepIdleNanos() : NONE);
    }

    public int receiveBufferSize() {
        return receiver.bufferSize;
    }

    /**
     * Fixes the receive buffer (auto-tuning stops, as SO_RCVBUF does on Linux). Before connect
     * it also counts for the window scale; later changes only move the window.
     */
    public void receiveBufferSize(int bytes, long now) {
        receiver.fixBufferSize(Math.max(1024, bytes));
        if (state != null && state.synchronized_()) {
            receiver.maybeSendWindowUpdate(now);
        }
    }

    /** Same as {@link #receiveBufferSize(int, long)} at the engine's last known time. */
    public void receiveBufferSize(int bytes) {
        receiveBufferSize(bytes, engine.lastNow());
    }

    /** Bytes received in order and not yet read. */
    public int receiveQueueBytes() {
        return receiver.queued();
    }

    /** Bytes written and not yet acknowledged. */
    public int sendQueueBytes() {
        return sender.queued();
    }

    public int sendBufferSize() {
        return sender.bufferSize;
    }

    public void sendBufferSize(int bytes) {
        sender.bufferSize = Math.max(1024, bytes);
    }

    public TcpConnectionSnapshot snapshot(long now) {
        RttEstimator rtt = sender.rtt;
        return new TcpConnectionSnapshot(state, tuple.localIp(), tuple.localPort(), tuple.remoteIp(),
                tuple.remotePort(), sender.queued(), receiver.queued(), sender.cc.cwnd(), sender.cc.ssthresh(),
                rtt.srtt(), rtt.srtt() < 0 ? -1 : rtt.rttvar(), rtt.rto(), sender.retransmissions, sender.mss(),
                windowScaling ? sendShift : -1, windowScaling ? receiveShift : -1, sack, timestamps,
                settings.congestionControl().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
        return tuple + " " + state;
    }

    // ---------------------------------------------------------------- opening (see Handshake)

    void openActive(long now) {
        Handshake.openActive(this, now);
    }

    void openPassive(Segment syn, long now) {
        Handshake.openPassive(this, syn, now);
    }

    void openFromCookie(Segment ack, int mss, long now) {
        Handshake.openFromCookie(this, ack, mss, now);
    }

    static int shiftFor(TcpSettings settings, int receiveBuffer) {
        return Handshake.shiftFor(settings, receiveBuffer);
    }

    int tsNow(long now) {
        return (int) (now / 1_000_000L) + tsOffset;
    }

    // ---------------------------------------------------------------- segment arrival (RFC 9293 3.10.7)

    void segmentArrives(Segment h, ByteBuf payload, long now) {
        receiver.lastSegmentAt = now;
        if (keepAlive && keepAliveDeadline != NONE) {
            keepAliveProbes = 0;
            armKeepAlive(now + settings.keepIdleNanos());
        }
        if (state == TcpState.SYN_SENT) {
            Handshake.synSent(this, h, now);
            return;
        }
        if (state == TcpState.CLOSED) {
            return;
        }
        Segment o = h.options();
        if (state == TcpState.SYN_RECEIVED && h.has(Tcp.SYN) && !h.has(Tcp.ACK) && h.seq() == receiver.irs) {
            sender.retransmitSyn(now); // our SYN-ACK was lost
            return;
        }
        if (state == TcpState.SYN_RECEIVED && active && h.has(Tcp.SYN) && h.has(Tcp.ACK)
                && h.seq() + 1 == receiver.rcvNxt && h.ack() == sender.sndNxt) {
            // simultaneous open: the peer's SYN-ACK acknowledges our SYN (as Linux accepts it)
            established(now);
            sender.ackArrives(h, 0, now);
            sender.peerWindow(h.window(), h.seq(), h.ack()); // a SYN's window is never scaled
            return;
        }
        // PAWS (RFC 7323 5.3)
        if (timestamps && o.hasTimestamp() && !h.has(Tcp.RST) && receiver.tsRecentValid
                && Seq.lt(o.tsVal(), receiver.tsRecent)) {
            engine.count("tcp.paws-rejected");
            sender.sendAck(now);
            return;
        }
        int length = payload.readableBytes() + (h.has(Tcp.SYN) ? 1 : 0) + (h.has(Tcp.FIN) ? 1 : 0);
        if (!receiver.acceptable(h.seq(), length)) {
            if (!h.has(Tcp.RST)) {
                engine.count("tcp.out-of-window");
                if (state == TcpState.TIME_WAIT && h.has(Tcp.SYN)) {
                    sender.challengeAck(now);
                } else if (state == TcpState.TIME_WAIT && h.has(Tcp.FIN)) {
                    sender.sendAck(now); // our last ACK was lost: ACK again, restart 2MSL
                    armState(now + 2 * settings.mslNanos());
                } else {
                    sender.sendAck(now);
                }
            }
            return;
        }
        if (h.has(Tcp.RST)) {
            reset(h, now);
            return;
        }
        if (timestamps && o.hasTimestamp() && Seq.le(h.seq(), receiver.lastAckSent)) {
            receiver.tsRecent = o.tsVal();
            receiver.tsRecentValid = true;
        }
        if (timestamps && o.hasTimestamp() && o.tsEcr() != 0 && payload.isReadable()) {
            receiver.rttSample(tsNow(now) - o.tsEcr());
        }
        if (h.has(Tcp.SYN)) {
            // RFC 5961 4.2: any SYN in a synchronized state gets a challenge ACK
            sender.challengeAck(now);
            return;
        }
        if (!h.has(Tcp.ACK)) {
            return;
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (!Seq.gt(h.ack(), sender.sndUna) || Seq.gt(h.ack(), sender.sndNxt)) {
                sender.sendReset(h.ack(), now);
                return;
            }
            established(now);
            if (state == TcpState.CLOSED) {
                return; // the accept handler refused it
            }
            sender.peerWindow(h.window() << sendShift, h.seq(), h.ack());
        }
        if (!sender.ackArrives(h, payload.readableBytes(), now)) {
            return;
        }
        if (state == TcpState.CLOSED) {
            return;
        }
        switch (state) {
            case FIN_WAIT_1 -> {
                if (sender.finAcked()) {
                    state = TcpState.FIN_WAIT_2;
                    if (applicationClosed) {
                        armState(now + settings.finWait2Nanos());
                    }
                }
            }
            case CLOSING -> {
                if (sender.finAcked()) {
                    enterTimeWait(now);
                }
            }
            case LAST_ACK -> {
                if (sender.finAcked()) {
                    terminate(null, false);
                    return;
                }
            }
            case TIME_WAIT -> {
                if (h.has(Tcp.FIN)) {
                    sender.sendAck(now);
                    armState(now + 2 * settings.mslNanos());
                }
                return;
            }
            default -> { }
        }
        if (payload.isReadable() && state.canReceiveData()) {
            if (applicationClosed && Seq.gt(h.seq() + payload.readableBytes(), receiver.rcvNxt)) {
                // nobody will read it (Linux: data after close is answered with RST)
                sender.sendReset(now);
                terminate(null, false);
                return;
            }
            receiver.data(h.seq(), payload, now);
        }
        if (h.has(Tcp.FIN)) {
            receiver.fin(h.seq() + payload.readableBytes());
        }
        if (receiver.takeFinInOrder()) {
            finArrived(now);
        }
        sender.output(now);
        if (receiver.ackNow) {
            sender.sendAck(now);
        }
    }

    /** This connection owes its peer an ACK: it leaves at the end of the batch unless data carries it first. */
    void oweAck() {
        engine.oweAck(this);
    }

    /** Called by {@link PendingAcks}: false when the state no longer sends ACKs. */
    boolean sendOwedAck(long now) {
        if (state == TcpState.CLOSED || state == TcpState.SYN_SENT || state == null) {
            return false;
        }
        sender.sendAck(now);
        return true;
    }

    void established(long now) {
        state = TcpState.ESTABLISHED;
        if (sender.finQueued()) {
            state = TcpState.FIN_WAIT_1;
        }
        if (keepAlive) {
            armKeepAlive(now + settings.keepIdleNanos());
        }
        if (listener != null) {
            TcpListener parent = listener;
            listener = null;
            parent.established(this);
        } else {
            eventConnected = true;
        }
    }

    private void finArrived(long now) {
        oweAck(); // at the end of the batch: a close by the application in the meantime sends FIN with it
        eventReadable = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (sender.finAcked()) {
                    enterTimeWait(now);
                } else {
                    state = TcpState.CLOSING;
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> { }
        }
    }

    private void reset(Segment h, long now) {
        if (h.seq() != receiver.rcvNxt) {
            // RFC 5961 3.2: in the window but not exact
            sender.challengeAck(now);
            return;
        }
        engine.count("tcp.reset-received");
        switch (state) {
            case SYN_RECEIVED -> terminate(active ? new ConnectException("Connection refused") : null, false);
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT ->
                    terminate(new TcpResetException("Connection reset by peer"), false);
            case TIME_WAIT -> { } // RFC 1337: ignore, let 2MSL run out
            default -> terminate(null, false);
        }
    }

    void enterTimeWait(long now) {
        state = TcpState.TIME_WAIT;
        sender.stopTimers();
        delayedAckDeadline = NONE;
        keepAliveDeadline = NONE;
        armState(now + 2 * settings.mslNanos());
        sender.releaseBuffers();
        receiver.releaseBuffersKeepingData();
        signalClosed(null);
    }

    /**
     * RFC 6191: a new SYN may reuse a TIME-WAIT tuple when its timestamp (or, without
     * timestamps, its sequence number) is beyond what the old connection saw.
     */
    boolean acceptsNewSyn(Segment syn) {
        if (timestamps && syn.options().hasTimestamp() && receiver.tsRecentValid) {
            return Seq.gt(syn.options().tsVal(), receiver.tsRecent);
        }
        return Seq.gt(syn.seq(), receiver.rcvNxt);
    }

    /** Leaves the table; {@code cause} is reported unless the application asked for it. */
    void terminate(Throwable cause, boolean silent) {
        if (state == TcpState.CLOSED) {
            return;
        }
        boolean wasEmbryonic = listener != null;
        state = TcpState.CLOSED;
        sender.stopTimers();
        sender.releaseBuffers();
        delayedAckDeadline = NONE;
        keepAliveDeadline = NONE;
        stateDeadline = NONE;
        if (cause != null || aborting) {
            receiver.releaseAll(); // reset or timeout: unread data is gone, as with a kernel socket
        } else {
            receiver.releaseBuffersKeepingData(); // a normal end: what arrived before the FIN stays readable
        }
        if (wasEmbryonic) {
            listener.embryoGone();
            listener = null;
        }
        engine.remove(this);
        if (!silent) {
            signalClosed(cause);
        }
    }

    // ---------------------------------------------------------------- timers

    // arming goes through the engine's timer heap; disarming is a plain assignment of NONE
    void armRetransmit(long at) {
        retransmitDeadline = at;
        engine.timerArmed(this);
    }

    void armDelayedAck(long at) {
        delayedAckDeadline = at;
        engine.timerArmed(this);
    }

    void armKeepAlive(long at) {
        keepAliveDeadline = at;
        engine.timerArmed(this);
    }

    void armState(long at) {
        stateDeadline = at;
        engine.timerArmed(this);
    }

    long nextDeadline() {
        return Math.min(Math.min(retransmitDeadline, delayedAckDeadline), Math.min(keepAliveDeadline, stateDeadline));
    }

    void onTimers(long now) {
        if (stateDeadline <= now) {
            stateDeadline = NONE;
            if (state == TcpState.TIME_WAIT || state == TcpState.FIN_WAIT_2) {
                terminate(null, false);
                return;
            }
        }
        if (delayedAckDeadline <= now) {
            delayedAckDeadline = NONE;
            receiver.delayedAck.timerExpired();
            sender.sendAck(now);
        }
        if (retransmitDeadline <= now) {
            retransmitDeadline = NONE;
            if (persisting) {
                sender.persistProbe(now);
            } else {
                sender.retransmitTimeout(now);
            }
        }
        if (state != TcpState.CLOSED && keepAliveDeadline <= now) {
            keepAliveExpired(now);
        }
    }

    private void keepAliveExpired(long now) {
        if (!keepAlive || !state.synchronized_() || state == TcpState.TIME_WAIT) {
            keepAliveDeadline = NONE;
            return;
        }
        if (sender.hasOutstanding()) {
            // the retransmission timer watches the peer already
            armKeepAlive(now + settings.keepIntervalNanos());
            return;
        }
        if (keepAliveProbes >= settings.keepCount()) {
            terminate(new TimeoutException("keep-alive: peer does not answer"), false);
            return;
        }
        keepAliveProbes++;
        sender.sendProbe(now);
        armKeepAlive(now + settings.keepIntervalNanos());
    }

    // ---------------------------------------------------------------- events

    void signalReadable() {
        eventReadable = true;
    }

    void signalWritable() {
        eventWritable = true;
    }

    void signalClosed(Throwable cause) {
        if (!eventClosed && !closedDelivered) {
            eventClosed = true;
            closeCause = cause;
        }
    }

    /** Calls the handler for what happened; reentrant calls from the handler are safe. */
    void deliverEvents() {
        ConnectionHandler h = handler;
        if (h == null || closedDelivered) {
            return;
        }
        if (eventConnected) {
            eventConnected = false;
            h.connected();
        }
        if (eventReadable) {
            eventReadable = false;
            h.readable();
        }
        if (eventWritable) {
            eventWritable = false;
            h.writable();
        }
        if (eventClosed && !closedDelivered) {
            eventClosed = false;
            closedDelivered = true;
            h.closed(closeCause);
        }
    }
}
