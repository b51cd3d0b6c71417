package io.multistack.stack.tcp;

import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TCP of one tenant: demultiplexing by 4-tuple and listener, RST for closed ports,
 * timers as deadlines, the memory budget. Single-threaded and clock-free: every entry point
 * receives {@code now} (monotonic nanoseconds).
 */
public final class TcpEngine {
    static final int EPHEMERAL_LOW = 49152;
    static final int EPHEMERAL_HIGH = 65535;

    private final TcpSettings settings;
    private final TcpOutput output;
    private final IsnGenerator isn;
    private final ByteBufAllocator allocator;
    private final Segment received = new Segment();
    private int receiving; // nesting depth of receive()
    private final SynCookies cookies;
    private final MemoryBudget budget;
    private final Map<FourTuple, TcpConnection> connections = new HashMap<>();
    private final Map<Long, TcpListener> listeners = new HashMap<>();
    private final Map<String, Long> drops = new TreeMap<>();
    private final List<TcpConnection> due = new ArrayList<>();
    private final TimerHeap timers = new TimerHeap();
    private final PendingAcks pendingAcks = new PendingAcks();
    private TcpConnection lastHit; // one-entry demux cache (as BSD's): a bulk flow skips the map and its key
    private long acksFlushed;
    private int nextEphemeral;
    private long lastNow;
    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengeAcksInWindow;
    private long resetsForClosedPorts;
    private long segmentsIn;
    private long segmentsOut;

    public TcpEngine(TcpSettings settings, TcpOutput output, IsnGenerator isn, ByteBufAllocator allocator) {
        this.settings = settings;
        this.output = output;
        this.isn = isn;
        this.allocator = allocator;
        this.cookies = new SynCookies(isn);
        this.budget = new MemoryBudget(settings.memoryBudgetBytes());
        this.nextEphemeral = EPHEMERAL_LOW + (int) Long.remainderUnsigned(isn.hash(4, 0, 0, 0, 0, 0),
                EPHEMERAL_HIGH - EPHEMERAL_LOW + 1);
    }

    // ---------------------------------------------------------------- opening

    /**
     * Passive open on {@code localIp} (0 = any address of the tenant) and {@code requestedPort}
     * (0 = an ephemeral port, see {@link TcpListener#port()}). A port in use throws
     * {@link IllegalStateException}.
     */
    public TcpListener listen(int localIp, int requestedPort, int backlog, AcceptHandler handler) {
        if (requestedPort < 0 || requestedPort > 65535) {
            throw new IllegalArgumentException("port " + requestedPort);
        }
        int port = requestedPort == 0 ? ephemeralPort(localIp, 0, 0) : requestedPort;
        if (listeners.containsKey(key(localIp, port)) || listeners.containsKey(key(0, port))
                || (localIp == 0 && listeners.keySet().stream().anyMatch(k -> (int) (long) k == port))) {
            throw new IllegalStateException("port " + port + " is already in use");
        }
        TcpListener listener = new TcpListener(this, localIp, port, backlog, handler);
        listeners.put(key(localIp, port), listener);
        return listener;
    }

    /** Active open; {@code localPort} 0 picks an ephemeral port. The handler hears {@code connected()} or {@code closed(cause)}. */
    public TcpConnection connect(int localIp, int localPort, int remoteIp, int remotePort, ConnectionHandler handler,
            long now) {
        lastNow = now;
        int port = localPort == 0 ? ephemeralPort(localIp, remoteIp, remotePort) : localPort;
        FourTuple tuple = new FourTuple(localIp, port, remoteIp, remotePort);
        if (connections.containsKey(tuple)) {
            throw new IllegalStateException("connection " + tuple + " exists");
        }
        TcpConnection c = new TcpConnection(this, tuple, true, isn.isn(localIp, port, remoteIp, remotePort, now), now);
        c.handler(handler);
        connections.put(tuple, c);
        timers.armed(c);
        c.openActive(now);
        return c;
    }

    /** Like {@link #connect} but lets the caller set buffer sizes and options before the SYN leaves. */
    public TcpConnection connect(int localIp, int localPort, int remoteIp, int remotePort, ConnectionHandler handler,
            long now, java.util.function.Consumer<TcpConnection> configure) {
        lastNow = now;
        int port = localPort == 0 ? ephemeralPort(localIp, remoteIp, remotePort) : localPort;
        FourTuple tuple = new FourTuple(localIp, port, remoteIp, remotePort);
        if (connections.containsKey(tuple)) {
            throw new IllegalStateException("connection " + tuple + " exists");
        }
        TcpConnection c = new TcpConnection(this, tuple, true, isn.isn(localIp, port, remoteIp, remotePort, now), now);
        c.handler(handler);
        configure.accept(c);
        connections.put(tuple, c);
        timers.armed(c);
        c.openActive(now);
        return c;
    }

    private int ephemeralPort(int localIp, int remoteIp, int remotePort) {
        int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        for (int i = 0; i < range; i++) {
            int port = nextEphemeral;
            nextEphemeral = nextEphemeral == EPHEMERAL_HIGH ? EPHEMERAL_LOW : nextEphemeral + 1;
            if (!connections.containsKey(new FourTuple(localIp, port, remoteIp, remotePort))
                    && !listeners.containsKey(key(localIp, port)) && !listeners.containsKey(key(0, port))) {
                return port;
            }
        }
        throw new IllegalStateException("no ephemeral port left");
    }

    // ---------------------------------------------------------------- input

    /**
     * One received TCP segment (header + payload, IPv4 already validated). Always releases
     * the buffer (payload kept by a connection is retained). Returns true when a connection
     * or listener took it, false when it was malformed or answered with RST (closed port).
     */
    public boolean receive(int sourceIp, int destinationIp, ByteBuf segment, long now) {
        lastNow = now;
        // one header object for every segment, unless one arrives while another is processed
        // (a connection to this tenant's own address answers from inside the first one's handling)
        Segment h = receiving++ == 0 ? received : new Segment();
        try {
            segmentsIn++;
            h.read(segment, sourceIp, destinationIp);
            if (h.sourcePort() == 0 || h.destinationPort() == 0) {
                count("tcp.bad-port");
                return false;
            }
            int headerLength = Tcp.headerLength(segment);
            // the payload is the segment itself with its reader index past the header (this method
            // owns it until the release below): a slice would be one more object per segment, and
            // what a connection keeps is then a recycled slice of the pooled frame
            ByteBuf payload = segment.skipBytes(headerLength);
            TcpConnection c = find(destinationIp, h.destinationPort(), sourceIp, h.sourcePort());
            if (c != null) {
                if (c.state == TcpState.TIME_WAIT && h.has(Tcp.SYN) && !h.has(Tcp.ACK) && !h.has(Tcp.RST)
                        && c.acceptsNewSyn(h) && findListener(destinationIp, h.destinationPort()) != null) {
                    count("tcp.time-wait-reused");
                    c.terminate(null, true);
                } else {
                    c.segmentArrives(h, payload, now);
                    c.deliverEvents();
                    return true;
                }
            }
            FourTuple tuple = new FourTuple(destinationIp, h.destinationPort(), sourceIp, h.sourcePort());
            TcpListener listener = findListener(destinationIp, h.destinationPort());
            if (listener != null) {
                listener.segmentArrives(sourceIp, destinationIp, h, payload, now);
                TcpConnection child = connections.get(tuple);
                if (child != null) {
                    child.deliverEvents();
                }
                return true;
            }
            resetClosedPort(tuple, h, payload.readableBytes(), now);
            return false;
        } catch (MalformedPacketException malformed) {
            count(malformed.reason());
            return false;
        } finally {
            receiving--;
            segment.release();
        }
    }

    private TcpConnection find(int localIp, int localPort, int remoteIp, int remotePort) {
        TcpConnection hit = lastHit;
        if (hit != null && hit.tuple.is(localIp, localPort, remoteIp, remotePort)) {
            return hit;
        }
        TcpConnection c = connections.get(new FourTuple(localIp, localPort, remoteIp, remotePort));
        if (c != null) {
            lastHit = c;
        }
        return c;
    }

    /** RFC 9293 3.10.7.1: a segment for no connection gets a RST (unless it is one). */
    private void resetClosedPort(FourTuple tuple, Segment h, int payloadLength, long now) {
        if (h.has(Tcp.RST)) {
            count("tcp.rst-no-connection");
            return;
        }
        resetsForClosedPorts++;
        count("tcp.closed-port");
        if (h.has(Tcp.ACK)) {
            sendReset(tuple, h.ack(), 0, Tcp.RST, now);
        } else {
            int length = payloadLength + (h.has(Tcp.SYN) ? 1 : 0) + (h.has(Tcp.FIN) ? 1 : 0);
            sendReset(tuple, 0, h.seq() + length, Tcp.RST | Tcp.ACK, now);
        }
    }

    private TcpListener findListener(int localIp, int port) {
        TcpListener l = listeners.get(key(localIp, port));
        return l != null ? l : listeners.get(key(0, port));
    }

    // ---------------------------------------------------------------- timers

    /**
     * Ends a batch of received segments: every connection that owes an ACK sends one now (one
     * per connection, however many segments of the batch asked for it). Call it after handing
     * the engine all frames that arrived together; {@link #tick} does it too. Returns the ACKs sent.
     */
    public int flushAcks(long now) {
        lastNow = now;
        int sent = pendingAcks.flush(now);
        acksFlushed += sent;
        return sent;
    }

    /** Same as {@link #flushAcks(long)} at the time of the last segment received. */
    public int flushAcks() {
        return flushAcks(lastNow);
    }

    /** Runs every due timer, after sending the ACKs owed (see {@link #flushAcks}). */
    public void tick(long now) {
        flushAcks(now);
        due.clear();
        // taken out first: handlers may open or close connections, arming and removing timers
        while (!timers.isEmpty() && timers.earliest() <= now) {
            TcpConnection c = timers.poll();
            if (connections.get(c.tuple) == c) {
                due.add(c);
            }
        }
        for (TcpConnection c : due) {
            c.onTimers(now);
            c.deliverEvents();
            if (connections.get(c.tuple) == c) {
                timers.armed(c); // its remaining deadlines, or one found too soon placed again
            }
        }
        due.clear();
    }

    /**
     * Earliest deadline of any connection, {@link Long#MAX_VALUE} if none; owed ACKs are due
     * at once. May be earlier than any real deadline (see {@link TimerHeap}): a tick then
     * finds nothing to do.
     */
    public long nextDeadline() {
        if (!pendingAcks.isEmpty()) {
            return lastNow;
        }
        return timers.earliest();
    }

    void timerArmed(TcpConnection c) {
        timers.armed(c);
    }

    /** ICMP fragmentation-needed: lower the MSS of connections to {@code remoteIp}. */
    public void pathMtuChanged(int remoteIp, int mtu, long now) {
        lastNow = now;
        for (TcpConnection c : new ArrayList<>(connections.values())) {
            if (c.tuple.remoteIp() == remoteIp && c.state != TcpState.TIME_WAIT) {
                c.sender.pathMtu(mtu, now);
                c.deliverEvents();
            }
        }
    }

    /** Same as {@link #pathMtuChanged(int, int, long)} at the last known time. */
    public void pathMtuChanged(int remoteIp, int mtu) {
        pathMtuChanged(remoteIp, mtu, lastNow);
    }

    // ---------------------------------------------------------------- observation

    public List<TcpConnectionSnapshot> snapshots(long now) {
        List<TcpConnectionSnapshot> list = new ArrayList<>();
        for (TcpConnection c : connections.values()) {
            list.add(c.snapshot(now));
        }
        return list;
    }

    public Collection<TcpConnection> connections() {
        return List.copyOf(connections.values());
    }

    /** Counted drops and notable events by reason (tcp.bad-checksum, tcp.closed-port, ...). */
    public Map<String, Long> drops() {
        return new TreeMap<>(drops);
    }

    public long resetsForClosedPorts() {
        return resetsForClosedPorts;
    }

    public long memoryInUse() {
        return budget.used();
    }

    public long segmentsIn() {
        return segmentsIn;
    }

    public long segmentsOut() {
        return segmentsOut;
    }

    /** ACKs sent at the end of a batch ({@link #flushAcks}), for tests and statistics. */
    public long batchAcks() {
        return acksFlushed;
    }

    /** Aborts every connection and closes every listener. */
    public void close(long now) {
        for (TcpListener l : new ArrayList<>(listeners.values())) {
            l.close(now);
        }
        for (TcpConnection c : new ArrayList<>(connections.values())) {
            c.abort(now);
        }
    }

    // ---------------------------------------------------------------- for connections and listeners

    TcpSettings settings() {
        return settings;
    }

    TcpOutput output() {
        return output;
    }

    IsnGenerator isn() {
        return isn;
    }

    SynCookies cookies() {
        return cookies;
    }

    MemoryBudget budget() {
        return budget;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    long lastNow() {
        return lastNow;
    }

    void count(String reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    void oweAck(TcpConnection c) {
        pendingAcks.add(c);
    }

    void add(TcpConnection c) {
        connections.put(c.tuple, c);
        timers.armed(c); // deadlines armed before it was added
    }

    void remove(TcpConnection c) {
        connections.remove(c.tuple, c);
        timers.remove(c);
        if (lastHit == c) {
            lastHit = null;
        }
    }

    void unlisten(TcpListener listener, long now) {
        listeners.remove(key(listener.localIp(), listener.port()), listener);
        for (TcpConnection c : new ArrayList<>(connections.values())) {
            if (c.listener == listener) {
                c.abort(now);
            }
        }
    }

    /** RFC 5961 7: at most {@code challengeAcksPerSecond} challenge ACKs per second. */
    boolean allowChallengeAck(long now) {
        if (now - challengeWindowStart >= 1_000_000_000L || challengeWindowStart == Long.MIN_VALUE) {
            challengeWindowStart = now;
            challengeAcksInWindow = 0;
        }
        return ++challengeAcksInWindow <= settings.challengeAcksPerSecond();
    }

    void sendReset(FourTuple tuple, int seq, int ack, int flags, long now) {
        sendHeader(tuple, new Tcp(tuple.localPort(), tuple.remotePort(), seq, ack, flags, 0, 0, TcpOptions.NONE), now);
    }

    void sendHeader(FourTuple tuple, Tcp header, long now) {
        ByteBuf out = output.allocate(header.headerLength());
        int at = out.writerIndex();
        header.emit(out);
        Tcp.fillChecksum(out, at, tuple.localIp(), tuple.remoteIp());
        transmit(tuple.localIp(), tuple.remoteIp(), out, now);
    }

    void transmit(int sourceIp, int destinationIp, ByteBuf segment, long now) {
        segmentsOut++;
        output.send(sourceIp, destinationIp, segment, now);
    }

    private static long key(int ip, int port) {
        return ((long) ip << 32) | (port & 0xFFFFL);
    }
}
