package io.multistack.stack.core;

import static io.multistack.stack.core.Frames.ETHERTYPE_ARP;
import static io.multistack.stack.core.Frames.ETHERTYPE_IPV4;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import io.multistack.stack.core.Frames.ArpPacket;
import io.multistack.stack.core.Frames.EthernetFrame;
import io.multistack.stack.core.Frames.IcmpMessage;
import io.multistack.stack.core.Frames.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One tenant stack under test, after smoltcp's interface tests: a recording device, a manual
 * clock, frames in as byte arrays, and expectations that take exactly the frames the stack
 * sent (in order) and nothing more. {@link #close} checks that no buffer leaked.
 *
 * <p>The tenant is the patent's tenant A: 192.168.1.1/24 on VLAN 600, MAC 02:6d:73:00:02:58.
 * The site host is 192.168.1.10.
 */
final class StackKit implements AutoCloseable {
    static final long OUR_MAC = Frames.mac("02:6d:73:00:02:58");
    static final int OUR_IP = Frames.ip("192.168.1.1");
    static final long HOST_MAC = Frames.mac("52:54:00:0a:00:0a");
    static final int HOST_IP = Frames.ip("192.168.1.10");
    static final long GATEWAY_MAC = Frames.mac("52:54:00:fe:fe:fe");
    static final int GATEWAY_IP = Frames.ip("192.168.1.254");
    static final int ECHO_ID = 0x6d73;

    final TrackingAllocator allocator = new TrackingAllocator();
    final RecordingDevice device = new RecordingDevice();
    final StackCore core;
    /** The manual clock, in nanoseconds; deliberately not zero. */
    long now;
    /** The tenant's current MAC, the source of every frame it sends. */
    long ourMac;
    int ourIp;

    private StackKit(TenantSettings settings, long start) {
        this.now = start;
        this.core = new StackCore(settings, allocator, ECHO_ID);
        this.ourMac = settings.mac().bits();
        this.ourIp = ip(settings.address());
    }

    /** Tenant A, not attached to a device yet. */
    static StackKit detached() {
        return new StackKit(settings("192.168.1.1", 24, null), 5_000_000_000L);
    }

    /** Tenant A, attached; its gratuitous ARP already taken. */
    static StackKit up() {
        return up(settings("192.168.1.1", 24, null));
    }

    static StackKit up(TenantSettings settings) {
        return up(settings, 5_000_000_000L);
    }

    static StackKit up(TenantSettings settings, long start) {
        StackKit kit = new StackKit(settings, start);
        kit.core.attach(kit.device, kit.now);
        kit.expectArp(Frames.BROADCAST_MAC);
        kit.expectNothing();
        return kit;
    }

    static TenantSettings settings(String address, int prefix, String gateway) {
        return settings(address, prefix, gateway, MacAddress.forVlan(600));
    }

    static TenantSettings settings(String address, int prefix, String gateway, MacAddress mac) {
        return new TenantSettings("A", 600, inet(address), prefix, Optional.ofNullable(gateway).map(StackKit::inet),
                mac, List.of());
    }

    static Inet4Address inet(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int ip(Inet4Address address) {
        return Frames.ip(address.getHostAddress());
    }

    // ---- input ----

    /**
     * Delivers a frame at the current time and checks the stack let go of it: released, or
     * sent on as its own answer (an echo request answered in place), which the device or the
     * ARP queue then owns ({@link #close} checks that every buffer is released in the end).
     */
    void receive(byte[] frame) {
        ByteBuf buf = allocator.buffer(frame.length).writeBytes(frame);
        core.receive(buf, now);
        assertThat(buf.refCnt() == 0 || device.holds(buf) || isEchoReplyWaitingForArp(buf))
                .as("received frame released or sent on as the answer").isTrue();
    }

    /** Whether the buffer is an IPv4 echo reply from us, as the ARP queue holds packets (no Ethernet header yet). */
    private boolean isEchoReplyWaitingForArp(ByteBuf buf) {
        int at = buf.readerIndex();
        return buf.refCnt() == 1 && buf.readableBytes() >= 28 && buf.getUnsignedByte(at) == 0x45
                && buf.getUnsignedByte(at + 9) == 1 && buf.getInt(at + 12) == ourIp
                && buf.getUnsignedByte(at + 20) == Frames.ICMP_ECHO_REPLY;
    }

    /** Delivers a frame that a capture (or anyone else) also holds: the stack must not change it. */
    ByteBuf receiveShared(byte[] frame) {
        ByteBuf buf = allocator.buffer(frame.length).writeBytes(frame).retain();
        core.receive(buf, now);
        return buf;
    }

    /**
     * Delivers a frame the stack may keep a reference to (a fragment waiting for reassembly);
     * the buffer is returned so that the test can check when it is let go.
     */
    ByteBuf receiveHeld(byte[] frame) {
        ByteBuf buf = allocator.buffer(frame.length).writeBytes(frame);
        core.receive(buf, now);
        return buf;
    }

    /** Moves the clock forward and lets the stack run its timers. */
    void advance(Duration step) {
        now += step.toNanos();
        core.tick(now);
    }

    void reconfigure(TenantSettings settings) {
        core.reconfigure(settings, now);
        ourMac = settings.mac().bits();
        ourIp = ip(settings.address());
    }

    // ---- frames a site host sends ----

    byte[] arpRequestFromHost(int targetIp) {
        return Frames.ethernet(Frames.BROADCAST_MAC, HOST_MAC, ETHERTYPE_ARP,
                Frames.arp(Frames.ARP_REQUEST, HOST_MAC, HOST_IP, 0, targetIp));
    }

    byte[] arpReplyFrom(long mac, int ip) {
        return Frames.ethernet(ourMac, mac, ETHERTYPE_ARP, Frames.arp(Frames.ARP_REPLY, mac, ip, ourMac, ourIp));
    }

    byte[] echoRequestFromHost(int identifier, int sequence, byte[] data) {
        return Frames.ethernet(ourMac, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, ourIp, 1,
                Frames.icmpEcho(Frames.ICMP_ECHO_REQUEST, identifier, sequence, data)));
    }

    /** The host learns us and we learn the host, as a real ping starts. */
    void hostResolvesUs() {
        receive(arpRequestFromHost(ourIp));
        expectArp(HOST_MAC);
        expectNothing();
    }

    // ---- expectations ----

    /** The next frame sent, which must exist and come from our MAC to {@code destination}. */
    EthernetFrame expectFrame(long destination) {
        byte[] bytes = device.take();
        assertThat(bytes).as("a frame to %s", Frames.formatMac(destination)).isNotNull();
        EthernetFrame frame = EthernetFrame.decode(bytes);
        assertThat(frame.destination()).as("destination MAC of %s", HexFormat.of().formatHex(bytes))
                .isEqualTo(destination);
        assertThat(frame.source()).as("source MAC").isEqualTo(ourMac);
        return frame;
    }

    ArpPacket expectArp(long destination) {
        EthernetFrame frame = expectFrame(destination);
        assertThat(frame.etherType()).as("EtherType").isEqualTo(ETHERTYPE_ARP);
        return ArpPacket.decode(frame.payload());
    }

    /** An IPv4 packet with a valid header checksum, from our address. */
    Ipv4Packet expectIpv4(long destination) {
        EthernetFrame frame = expectFrame(destination);
        assertThat(frame.etherType()).as("EtherType").isEqualTo(ETHERTYPE_IPV4);
        Ipv4Packet packet = Ipv4Packet.decode(frame.payload());
        assertThat(packet.headerChecksumValid()).as("IPv4 header checksum valid").isTrue();
        assertThat(packet.headerLength()).isEqualTo(20);
        assertThat(packet.totalLength()).as("total length").isEqualTo(20 + packet.payload().length);
        assertThat(packet.source()).as("IPv4 source").isEqualTo(ourIp);
        return packet;
    }

    /** An ICMP message with valid IPv4 and ICMP checksums, to {@code destinationIp}. */
    IcmpMessage expectIcmp(long destination, int destinationIp) {
        Ipv4Packet packet = expectIpv4(destination);
        assertThat(packet.protocol()).as("IP protocol").isEqualTo(1);
        assertThat(packet.destination()).as("IPv4 destination").isEqualTo(destinationIp);
        IcmpMessage icmp = IcmpMessage.decode(packet.payload());
        assertThat(icmp.checksumValid()).as("ICMP checksum valid").isTrue();
        return icmp;
    }

    void expectNothing() {
        byte[] extra = device.take();
        assertThat(extra).as("no further frame").isNull();
    }

    /** An ARP request from us for {@code targetIp}, broadcast. */
    void expectArpRequestFor(int targetIp) {
        assertThat(expectArp(Frames.BROADCAST_MAC))
                .isEqualTo(new ArpPacket(Frames.ARP_REQUEST, ourMac, ourIp, 0, targetIp));
    }

    /** A unicast ARP request to a known neighbour: is it still there? */
    void expectArpProbeOf(long mac, int targetIp) {
        assertThat(expectArp(mac)).isEqualTo(new ArpPacket(Frames.ARP_REQUEST, ourMac, ourIp, 0, targetIp));
    }

    @Override
    public void close() {
        core.close(now);
        device.releaseAll();
        assertThat(allocator.unreleased()).as("buffers never released (leaks)").isEmpty();
    }

    static Duration millis(long millis) {
        return Duration.ofMillis(millis);
    }

    static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
