package io.multistack.itest;

import io.multistack.itest.Packets.Arp;
import io.multistack.itest.Packets.Ethernet;
import io.multistack.itest.Packets.Vxlan;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A host at a customer site, behind a VXLAN tunnel whose remote end is this test on
 * 127.0.0.1:4789 (the appliance sends every reply to the remote's port 4789). Like a real
 * host it answers ARP requests for its own address while it waits for something else.
 * Test classes using it run with {@link PaxExamWithSiteHost}.
 */
public final class SiteHost implements AutoCloseable {
    public static final int VXLAN_PORT = 4789;

    private final DatagramSocket socket;
    private final InetSocketAddress appliance;
    private final int vni;
    private final byte[] mac;
    private final byte[] ip;
    /** Everything received that was not what a test waited for, to explain a failure. */
    private final List<String> others = new ArrayList<>();

    private SiteHost(DatagramSocket socket, InetSocketAddress appliance, int vni, byte[] mac, byte[] ip) {
        this.socket = socket;
        this.appliance = appliance;
        this.vni = vni;
        this.mac = mac;
        this.ip = ip;
    }

    /**
     * Binds 127.0.0.1:4789. Call it only after the appliance's endpoint listens on its configured
     * port: until then it may hold 4789 itself (its default listen address is 0.0.0.0:4789).
     */
    public static SiteHost bind(int appliancePort, int vni, String mac, String ip) throws IOException {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(FreePort.loopback(VXLAN_PORT));
        } catch (SocketException taken) {
            // No cause: Pax Exam would report the cause instead of this explanation.
            throw new AssertionError("cannot bind UDP 127.0.0.1:" + VXLAN_PORT + " (" + taken.getMessage()
                    + ") although it was free before the framework started: does the endpoint still hold it?");
        }
        return new SiteHost(socket, FreePort.loopback(appliancePort), vni, Packets.mac(mac), Packets.ipv4(ip));
    }

    public byte[] mac() {
        return mac.clone();
    }

    public byte[] ip() {
        return ip.clone();
    }

    /** Sends one Ethernet frame through the tunnel. */
    public void send(Ethernet frame) throws IOException {
        byte[] packet = Vxlan.of(vni, frame.bytes()).bytes();
        socket.send(new DatagramPacket(packet, packet.length, appliance));
    }

    /**
     * The first frame from the tunnel that {@code wanted} accepts, or empty after {@code timeout}.
     * Every tunnel packet must carry a valid VXLAN header; packets of other VNIs are not for this host.
     */
    public Optional<Ethernet> receive(Duration timeout, Predicate<Ethernet> wanted) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[65536];
        while (true) {
            long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
            if (left <= 0) {
                return Optional.empty();
            }
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException quiet) {
                return Optional.empty();
            }
            Vxlan vxlan = Vxlan.parse(packet.getData(), packet.getLength());
            if (vxlan.flags() != Vxlan.VNI_VALID) {
                throw new AssertionError("tunnel packet with VXLAN flags 0x" + Integer.toHexString(vxlan.flags())
                        + ", expected 0x08 (VNI valid)");
            }
            Ethernet frame = Ethernet.parse(vxlan.frame());
            if (vxlan.vni() != vni) {
                // another site's traffic (same remote address, other VNI): not for this host
                others.add("VNI " + vxlan.vni() + ": " + frame);
                continue;
            }
            if (wanted.test(frame)) {
                return Optional.of(frame);
            }
            answerIfArpRequestForMe(frame);
            others.add(frame.toString());
        }
    }

    /** Frames received but not waited for (gratuitous ARP, the appliance's own ARP requests, ...). */
    public List<String> otherFrames() {
        return List.copyOf(others);
    }

    @Override
    public void close() {
        socket.close();
    }

    private void answerIfArpRequestForMe(Ethernet frame) throws IOException {
        if (frame.etherType() != Packets.ETHERTYPE_ARP) {
            return;
        }
        Arp arp = Arp.parse(frame.payload());
        if (arp.operation() == Arp.REQUEST && Arrays.equals(arp.targetIp(), ip)) {
            send(new Ethernet(arp.senderMac(), mac, Packets.ETHERTYPE_ARP, arp.replyFrom(mac).bytes()));
        }
    }
}
