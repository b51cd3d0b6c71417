package io.multistack.stack.core;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.ArpEntry;
import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import io.multistack.wire.Arp;
import io.multistack.wire.Ethernet;
import io.multistack.wire.Icmpv4;
import io.multistack.wire.Ipv4;
import io.multistack.wire.Ipv4Address;
import io.multistack.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The protocol engine of one tenant: Ethernet, ARP, IPv4 (with reassembly and path MTU),
 * ICMP (echo and errors), UDP, and TCP through a {@link TcpHandler}. Single-threaded and
 * clock-free: every entry point receives {@code now} (nanoseconds of a monotonic clock),
 * frames leave through the {@link Device}. The owner confines all calls to one thread.
 */
public final class StackCore implements IpOutput {
    /** Room reserved before every frame we build: 802.1Q tag and VXLAN header fit in place. */
    public static final int HEADROOM = 64;
    static final int DEFAULT_TTL = 64;
    /** RFC 1812 4.3.2.3: an ICMP error quotes as much as fits in 576 bytes. */
    static final int ICMP_ERROR_MAX_LENGTH = 576;
    /** Linux's default ICMP error rate (icmp_ratelimit 1000 ms / icmp_msgs_per_sec 1000, burst 50). */
    static final int ICMP_ERRORS_PER_SECOND = 1000;
    static final int ICMP_ERROR_BURST = 50;
    /** RFC 1191: a path MTU learned from ICMP is forgotten after ten minutes. */
    static final long PATH_MTU_LIFETIME_NANOS = 600_000_000_000L;
    /** Floor for path MTU (Linux min_pmtu), so forged ICMP cannot shrink segments to nothing. */
    static final int MIN_PATH_MTU = 552;

    private static final System.Logger LOG = System.getLogger("io.multistack.stack");

    private final ByteBufAllocator allocator;
    private final ArpCache arp = new ArpCache();
    private final EchoRequests echoes;
    private final DropCounters drops = new DropCounters();
    private final Ipv4Reassembler reassembler;
    private final UdpLayer udp;
    private final TokenBucket icmpErrors = new TokenBucket(ICMP_ERRORS_PER_SECOND, ICMP_ERROR_BURST);
    private final java.util.Map<Integer, long[]> pathMtus = new java.util.HashMap<>();
    private TcpHandler tcp;
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private Interface iface;
    private Device device;
    private int nextIdentification;
    /** The frame being received went out again (an echo answered in place): {@link #receive} must not release it. */
    private boolean frameSentOn;
    /** TCP was given something since {@link #takeTcpActivity()} last asked: its deadlines may have moved. */
    private boolean tcpActivity;

    public StackCore(TenantSettings settings, ByteBufAllocator allocator, int echoIdentifier) {
        this.iface = Interface.of(settings);
        this.allocator = allocator;
        this.echoes = new EchoRequests(echoIdentifier);
        this.reassembler = new Ipv4Reassembler(allocator, drops);
        this.udp = new UdpLayer(this, drops);
    }

    /** Plugs in the TCP engine; without one, TCP segments are answered "protocol unreachable". */
    public void tcp(TcpHandler handler) {
        this.tcp = handler;
    }

    public UdpLayer udp() {
        return udp;
    }

    /** Connects the device and announces our address. */
    public void attach(Device device, long now) {
        this.device = device;
        announce();
    }

    public void detach() {
        device = null;
    }

    public boolean isAttached() {
        return device != null;
    }

    /** New address, prefix, gateway or MAC; neighbours are relearned, the change announced. */
    public void reconfigure(TenantSettings settings, long now) {
        Interface next = Interface.of(settings);
        if (next.equals(iface)) {
            return;
        }
        boolean sameSubnet = next.mask() == iface.mask() && next.onLink(iface.address());
        iface = next;
        if (!sameSubnet) {
            arp.clear();
        }
        announce();
    }

    /** Processes one received frame; always releases it. */
    public void receive(ByteBuf frame, long now) {
        try {
            framesIn.increment();
            bytesIn.add(frame.readableBytes());
            if (device == null) {
                drops.count("stack.down");
                return;
            }
            // headers are read in place: no header objects, no slices per frame
            Ethernet.check(frame);
            long destination = Ethernet.destination(frame);
            if (destination != iface.mac() && !Ethernet.isMulticast(destination)) {
                drops.count("ethernet.not-for-us");
                return;
            }
            int etherType = Ethernet.etherType(frame);
            frame.skipBytes(Ethernet.HEADER_LENGTH);
            switch (etherType) {
                case Ethernet.TYPE_ARP -> receiveArp(frame, now);
                case Ethernet.TYPE_IPV4 -> receiveIpv4(frame, now);
                default -> drops.count("ethernet.unsupported-type");
            }
        } catch (MalformedPacketException malformed) {
            drops.count(malformed.reason());
        } catch (RuntimeException bug) {
            // a defect must cost one frame, never the tenant's loop or another tenant
            drops.count("stack.internal-error");
            LOG.log(System.Logger.Level.ERROR, "frame processing failed", bug);
        } finally {
            if (frameSentOn) {
                frameSentOn = false; // the answer went out in it: the device owns it now
            } else {
                frame.release();
            }
        }
    }

    /** Advances time: ARP retries and expiry, echo timeouts. */
    public void tick(long now) {
        for (ArpCache.Request request : arp.tick(now, drops)) {
            sendArp(Arp.request(iface.mac(), iface.address(), request.ip()),
                    request.broadcast() ? MacAddress.BROADCAST.bits() : request.mac());
        }
        echoes.expire(now);
        reassembler.expire(now);
        pathMtus.values().removeIf(entry -> entry[1] - now <= 0);
        if (tcp != null) {
            tcp.tick(now);
        }
    }

    /**
     * True while {@link #tick} has work besides TCP: neighbours to expire or resolve, pings
     * waiting, fragments, learned path MTUs. An idle tenant has none, so its owner need not
     * tick it at all (TCP has its own deadline, {@link #nextTcpDeadline}).
     */
    public boolean needsTick() {
        return !arp.isEmpty() || !echoes.isEmpty() || reassembler.inProgress() > 0 || !pathMtus.isEmpty();
    }

    /**
     * Whether received frames gave TCP anything (a segment, a path MTU) since the last call;
     * only then can they have moved {@link #nextTcpDeadline}. Resets the answer.
     */
    public boolean takeTcpActivity() {
        boolean was = tcpActivity;
        tcpActivity = false;
        return was;
    }

    /** The earliest time {@link #tick} has work for TCP, or {@link Long#MAX_VALUE}. */
    public long nextTcpDeadline() {
        return tcp == null ? Long.MAX_VALUE : tcp.nextDeadline();
    }

    /** Sends an ICMP echo request; the future completes with the round-trip time. */
    public void ping(int target, long now, long timeoutNanos, CompletableFuture<Duration> result) {
        if (device == null) {
            result.completeExceptionally(new IllegalStateException("the tenant is not up"));
            return;
        }
        if (iface.nextHop(target) == 0) {
            result.completeExceptionally(new IllegalStateException(
                    "no route to " + Ipv4Address.format(target) + " (no gateway configured)"));
            return;
        }
        int sequence = echoes.register(now, now + timeoutNanos, result);
        ByteBuf payload = allocator.buffer(56);
        try {
            payload.writeLong(now);
            for (int i = 8; i < 56; i++) {
                payload.writeByte(i);
            }
            sendIcmp(target, Icmpv4.ECHO_REQUEST, 0, echoes.identifier() << 16 | sequence, payload,
                    payload.readerIndex(), payload.readableBytes(), now);
        } finally {
            payload.release();
        }
    }

    public List<io.multistack.api.stack.ConnectionInfo> connections(long now) {
        return tcp == null ? List.of() : tcp.connections(now);
    }

    public List<ArpEntry> arpTable(long now) {
        List<ArpEntry> table = new ArrayList<>();
        arp.entries().forEach((ip, entry) -> table.add(new ArpEntry(Ipv4Address.toInet(ip),
                new MacAddress(entry.mac), Duration.ofNanos(Math.max(0, entry.reachableUntil - now)))));
        table.sort(Comparator.comparing(e -> Integer.toUnsignedLong(Ipv4Address.toInt(e.address()))));
        return table;
    }

    /** Releases everything held (TCP connections are reset); outstanding pings fail. */
    public void close(long now) {
        if (tcp != null) {
            tcp.close(now);
        }
        device = null;
        arp.clear();
        reassembler.clear();
        echoes.failAll(new IllegalStateException("the tenant stack was closed"));
    }

    public DropCounters drops() {
        return drops;
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long framesOut() {
        return framesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    // ---- ARP ----

    private void receiveArp(ByteBuf packet, long now) throws MalformedPacketException {
        Arp message = Arp.parse(packet);
        if (message.senderIp() == iface.address() && message.senderMac() != iface.mac()) {
            drops.count("arp.address-conflict");
            return;
        }
        boolean forUs = message.targetIp() == iface.address();
        // RFC 826: update a known sender; learn a new one only when the packet is for us
        if (forUs || arp.knows(message.senderIp())) {
            if (message.senderIp() != 0 && !Ethernet.isMulticast(message.senderMac())) {
                flushPending(message.senderIp(), message.senderMac(), now);
            }
        }
        if (forUs && message.operation() == Arp.REQUEST && message.senderIp() != message.targetIp()) {
            sendArp(new Arp(Arp.REPLY, iface.mac(), iface.address(), message.senderMac(), message.senderIp()),
                    message.senderMac());
        }
    }

    private void flushPending(int ip, long mac, long now) {
        for (ArpCache.PendingPacket queued : arp.learn(ip, mac, now)) {
            transmit(mac, queued.etherType(), queued.payload());
        }
    }

    private void announce() {
        if (device != null) {
            sendArp(Arp.announcement(iface.mac(), iface.address()), MacAddress.BROADCAST.bits());
        }
    }

    private void sendArp(Arp message, long destinationMac) {
        ByteBuf packet = newPacket(Arp.LENGTH);
        message.emit(packet);
        transmit(destinationMac, Ethernet.TYPE_ARP, packet);
    }

    // ---- IPv4 and ICMP ----

    private void receiveIpv4(ByteBuf packet, long now) throws MalformedPacketException {
        Ipv4.check(packet);
        int at = packet.readerIndex();
        int source = Ipv4.source(packet, at);
        int destination = Ipv4.destination(packet, at);
        if (!iface.accepts(destination)) {
            drops.count("ipv4.not-for-us");
            return;
        }
        if (source == Ipv4Address.BROADCAST || (source >>> 28) == 0xE || source == iface.address()
                || (iface.hasDirectedBroadcast() && source == iface.directedBroadcast())) {
            // answering such a source would reach every host of the tenant, or ourselves
            drops.count("ipv4.bad-source");
            return;
        }
        if (Ipv4.isFragment(packet, at)) {
            receiveFragment(packet, now);
            return;
        }
        // the payload, without options and without Ethernet padding: the frame's own indexes
        // move there (the frame is ours until we release it), the header stays readable at {@code at}
        packet.setIndex(at + Ipv4.headerLength(packet, at), at + Ipv4.totalLength(packet, at));
        deliver(Ipv4.protocol(packet, at), source, destination, packet, at, now);
    }

    /** Fragments are rare and held for reassembly: the reassembler takes a header record and a slice. */
    private void receiveFragment(ByteBuf packet, long now) throws MalformedPacketException {
        Ipv4 header = Ipv4.parse(packet);
        ByteBuf payload = packet.slice(packet.readerIndex() + header.headerLength(), header.payloadLength());
        Ipv4Reassembler.Datagram whole = reassembler.offer(header, payload, now);
        if (whole != null) {
            try {
                Ipv4 first = whole.header();
                deliver(first.protocol(), first.source(), first.destination(), whole.payload(), NOT_QUOTABLE, now);
            } finally {
                whole.payload().release();
            }
        }
    }

    /** No received packet to quote in an ICMP error (a reassembled datagram). */
    private static final int NOT_QUOTABLE = -1;

    /**
     * Hands a whole datagram's payload (its readable bytes) to its protocol. {@code ipAt} is
     * the index of the received packet's IPv4 header in the same buffer, quoted in ICMP errors
     * ({@link #NOT_QUOTABLE} for reassembled datagrams).
     */
    private void deliver(int protocol, int source, int destination, ByteBuf payload, int ipAt, long now)
            throws MalformedPacketException {
        switch (protocol) {
            case Ipv4.PROTOCOL_ICMP -> receiveIcmp(source, destination, payload, ipAt, now);
            case Ipv4.PROTOCOL_UDP -> {
                if (!udp.receive(source, destination, payload, now)) {
                    drops.count("udp.no-socket");
                    sendIcmpError(Icmpv4.DESTINATION_UNREACHABLE, UNREACHABLE_PORT, 0, payload, ipAt, now);
                }
            }
            case Ipv4.PROTOCOL_TCP -> {
                if (tcp == null) {
                    drops.count("ipv4.unsupported-protocol");
                    sendIcmpError(Icmpv4.DESTINATION_UNREACHABLE, UNREACHABLE_PROTOCOL, 0, payload, ipAt, now);
                } else {
                    tcpActivity = true;
                    tcp.receive(source, destination, payload.retain(), now);
                }
            }
            default -> {
                drops.count("ipv4.unsupported-protocol");
                sendIcmpError(Icmpv4.DESTINATION_UNREACHABLE, UNREACHABLE_PROTOCOL, 0, payload, ipAt, now);
            }
        }
    }

    /** {@code ipAt} as for {@link #deliver}: {@link #NOT_QUOTABLE} when the message is not the received frame. */
    private void receiveIcmp(int source, int destination, ByteBuf message, int ipAt, long now)
            throws MalformedPacketException {
        Icmpv4.check(message);
        int at = message.readerIndex();
        switch (Icmpv4.type(message, at)) {
            case Icmpv4.ECHO_REQUEST -> {
                if (destination != iface.address()) {
                    drops.count("icmp.broadcast-echo-ignored");
                    return;
                }
                // the reply carries the request's identifier, sequence number and data back
                if (ipAt != NOT_QUOTABLE && canAnswerInPlace(message, at)) {
                    Icmpv4.answerEchoInPlace(message, at);
                    frameSentOn = true;
                    send(Ipv4.PROTOCOL_ICMP, source, message, now);
                } else {
                    sendIcmp(source, Icmpv4.ECHO_REPLY, 0, Icmpv4.restOfHeader(message, at), message,
                            at + Icmpv4.HEADER_LENGTH, message.readableBytes() - Icmpv4.HEADER_LENGTH, now);
                }
            }
            case Icmpv4.ECHO_REPLY -> {
                if (!echoes.complete(Icmpv4.identifier(message, at), Icmpv4.sequence(message, at), now)) {
                    drops.count("icmp.unexpected-echo-reply");
                }
            }
            case Icmpv4.DESTINATION_UNREACHABLE ->
                    receiveUnreachable(Icmpv4.code(message, at), Icmpv4.sequence(message, at), message, now);
            default -> drops.count("icmp.unhandled-type");
        }
    }

    /**
     * Whether an echo request may be answered in the received frame itself: the frame is
     * ours alone (no capture or other holder reads it) and writable, and has room before the
     * message for new IPv4 and Ethernet headers. No buffer taken, no data copied.
     */
    private static boolean canAnswerInPlace(ByteBuf message, int at) {
        return message.refCnt() == 1 && !message.isReadOnly()
                && at >= Ipv4.MIN_HEADER_LENGTH + Ethernet.HEADER_LENGTH;
    }

    /** RFC 1191: "fragmentation needed" lowers the path MTU towards the quoted destination. */
    private void receiveUnreachable(int code, int nextHopMtu, ByteBuf message, long now) {
        int quoted = message.readerIndex() + Icmpv4.HEADER_LENGTH;
        if (code != UNREACHABLE_FRAGMENTATION_NEEDED || message.readableBytes() < Icmpv4.HEADER_LENGTH + 20) {
            drops.count("icmp.unreachable-ignored");
            return;
        }
        int quotedSource = message.getInt(quoted + 12);
        if (quotedSource != iface.address()) {
            drops.count("icmp.unreachable-not-ours");
            return;
        }
        int destination = message.getInt(quoted + 16);
        int mtu = Math.max(MIN_PATH_MTU, nextHopMtu);
        if (mtu >= mtu(destination)) {
            return;
        }
        pathMtus.put(destination, new long[] {mtu, now + PATH_MTU_LIFETIME_NANOS});
        if (tcp != null) {
            tcpActivity = true;
            tcp.pathMtuChanged(destination, mtu, now);
        }
    }

    static final int UNREACHABLE_PROTOCOL = 2;
    static final int UNREACHABLE_PORT = 3;
    static final int UNREACHABLE_FRAGMENTATION_NEEDED = 4;

    /**
     * Sends an ICMP error about a received packet (RFC 1122 3.2.2, RFC 1812 4.3.2): never
     * about broadcasts, non-first fragments or other ICMP errors, and rate limited. The
     * offending packet's IPv4 header is at {@code ipAt} in {@code packet}, which ends where
     * the packet ends.
     */
    private void sendIcmpError(int type, int code, int mtuField, ByteBuf packet, int ipAt, long now) {
        if (ipAt == NOT_QUOTABLE || Ipv4.destination(packet, ipAt) != iface.address()
                || Ipv4.source(packet, ipAt) == 0 || (Ipv4.flagsFragment(packet, ipAt) & Ipv4.OFFSET_MASK) != 0
                || isIcmpError(packet, ipAt)) {
            return;
        }
        if (!icmpErrors.tryTake(now)) {
            drops.count("icmp.error-rate-limited");
            return;
        }
        int quoted = Math.min(Math.min(packet.writerIndex() - ipAt, Ipv4.totalLength(packet, ipAt)),
                ICMP_ERROR_MAX_LENGTH - Ipv4.MIN_HEADER_LENGTH - Icmpv4.HEADER_LENGTH);
        sendIcmp(Ipv4.source(packet, ipAt), type, code, mtuField & 0xFFFF, packet, ipAt, quoted, now);
    }

    private static boolean isIcmpError(ByteBuf packet, int ipAt) {
        int headerLength = Ipv4.headerLength(packet, ipAt);
        if (Ipv4.protocol(packet, ipAt) != Ipv4.PROTOCOL_ICMP || packet.writerIndex() - ipAt <= headerLength) {
            return false;
        }
        int type = packet.getUnsignedByte(ipAt + headerLength);
        return type != Icmpv4.ECHO_REQUEST && type != Icmpv4.ECHO_REPLY && type != 13 && type != 14;
    }

    /**
     * Sends an ICMP message: {@code restOfHeader} is its bytes 4-7 (identifier and sequence,
     * or the next-hop MTU), its payload {@code [index, index+length)} of {@code data}.
     */
    private void sendIcmp(int destination, int type, int code, int restOfHeader, ByteBuf data, int index, int length,
            long now) {
        ByteBuf packet = allocate(Icmpv4.HEADER_LENGTH + length);
        Icmpv4.emit(packet, type, code, restOfHeader, data, index, length);
        send(Ipv4.PROTOCOL_ICMP, destination, packet, now);
    }

    /** Routes an IPv4 packet (built with headroom) to its next hop, resolving it by ARP. */
    private void sendIpv4(int destination, ByteBuf packet, long now) {
        int nextHop = iface.nextHop(destination);
        if (nextHop == 0) {
            packet.release();
            drops.count("ipv4.no-route");
            return;
        }
        if (nextHop == Ipv4Address.BROADCAST
                || (iface.hasDirectedBroadcast() && nextHop == iface.directedBroadcast())) {
            transmit(MacAddress.BROADCAST.bits(), Ethernet.TYPE_IPV4, packet);
            return;
        }
        long mac = arp.lookup(nextHop);
        if (mac >= 0) {
            transmit(mac, Ethernet.TYPE_IPV4, packet);
            if (arp.startProbe(nextHop, now)) {
                sendArp(Arp.request(iface.mac(), iface.address(), nextHop), mac); // stale: still there?
            }
        } else if (arp.enqueue(nextHop, new ArpCache.PendingPacket(Ethernet.TYPE_IPV4, packet), now, drops)) {
            sendArp(Arp.request(iface.mac(), iface.address(), nextHop), MacAddress.BROADCAST.bits());
        }
    }

    // ---- IpOutput, for UDP and TCP ----

    @Override
    public ByteBuf allocate(int transportLength) {
        ByteBuf buf = allocator.buffer(IpOutput.HEADROOM + transportLength);
        buf.writerIndex(IpOutput.HEADROOM).readerIndex(IpOutput.HEADROOM);
        return buf;
    }

    @Override
    public void send(int protocol, int destination, ByteBuf transportPacket, long now) {
        int length = transportPacket.readableBytes();
        int at = transportPacket.readerIndex() - Ipv4.MIN_HEADER_LENGTH;
        transportPacket.setIndex(at, at);
        Ipv4.emit(transportPacket, protocol, iface.address(), destination, length, nextIdentification++ & 0xFFFF,
                DEFAULT_TTL);
        transportPacket.writerIndex(at + Ipv4.MIN_HEADER_LENGTH + length);
        sendIpv4(destination, transportPacket, now);
    }

    @Override
    public int address() {
        return iface.address();
    }

    @Override
    public int mtu(int destination) {
        // asked for every segment TCP sends: no map lookup (and no boxing) while nothing was learned
        long[] learned = pathMtus.isEmpty() ? null : pathMtus.get(destination);
        int deviceMtu = device == null ? 1500 : device.mtu();
        return learned == null ? deviceMtu : (int) Math.min(deviceMtu, learned[0]);
    }

    // ---- frames ----

    private ByteBuf newPacket(int length) {
        ByteBuf buf = allocator.buffer(HEADROOM + length);
        buf.writerIndex(HEADROOM).readerIndex(HEADROOM);
        return buf;
    }

    /** Prepends the Ethernet header in the headroom and hands the frame to the device. */
    private void transmit(long destinationMac, int etherType, ByteBuf payload) {
        Device out = device;
        if (out == null) {
            payload.release();
            drops.count("stack.down");
            return;
        }
        int at = payload.readerIndex() - Ethernet.HEADER_LENGTH;
        Ethernet.setMac(payload, at, destinationMac);
        Ethernet.setMac(payload, at + 6, iface.mac());
        payload.setShort(at + 12, etherType);
        payload.readerIndex(at);
        framesOut.increment();
        bytesOut.add(payload.readableBytes());
        out.transmit(payload);
    }
}
