package io.multistack.access;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.wire.Dot1q;
import io.multistack.wire.Ethernet;
import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Vxlan;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The access server's data path, apart from any socket: VXLAN packets from sites become
 * tagged frames on the trunk, tagged frames from the trunk become VXLAN packets to the site
 * of their VLAN. When a VLAN has several sites, the site of a destination MAC is learned
 * from traffic, as a VXLAN VTEP does, and unknown or broadcast destinations go to all.
 */
final class TunnelSwitch implements FrameReceiver, SiteDatagrams {
    /** Where encapsulated packets leave: the UDP socket in production, a list in tests. */
    interface Underlay {
        /** Takes ownership of the packet; false when it was dropped instead of queued or sent. */
        boolean send(ByteBuf packet, InetSocketAddress to);
    }

    /** Bound on learned MACs per VLAN, so a site cannot grow memory without limit. */
    static final int MAX_LEARNED_PER_VLAN = 4096;

    private final TunnelTable table;
    private final Underlay underlay;
    /** The trunk the access server uses now; {@code null} while it is absent or held by someone else. */
    private volatile Link trunk;
    private final Map<Integer, Map<Long, Tunnel>> learned = new ConcurrentHashMap<>();
    private final LongAdder unknownTunnel = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder noTunnelForVlan = new LongAdder();
    private final LongAdder noTrunk = new LongAdder();

    TunnelSwitch(TunnelTable table, Underlay underlay) {
        this.table = table;
        this.underlay = underlay;
    }

    /** Connects the switch to its trunk, or disconnects it with {@code null}. */
    void trunk(Link link) {
        this.trunk = link;
    }

    /** A UDP payload from {@code remote} (IPv4 as int). Takes ownership of the buffer. */
    @Override
    public void fromSite(int remote, ByteBuf packet) {
        try {
            int vni = Vxlan.decode(packet);
            Tunnel tunnel = table.lookup(remote, vni);
            if (tunnel == null) {
                unknownTunnel.increment();
                packet.release();
                return;
            }
            Link out = trunk;
            if (out == null) {
                noTrunk.increment();
                tunnel.drops.increment();
                packet.release();
                return;
            }
            tunnel.packetsIn.increment();
            tunnel.bytesIn.add(packet.readableBytes());
            if (table.forVlan(tunnel.vlan()).size() > 1) {
                learn(tunnel, Ethernet.source(packet));
            }
            out.transmit(Dot1q.tag(packet, tunnel.vlan()));
        } catch (MalformedPacketException bad) {
            malformed.increment();
            packet.release();
        }
    }

    /** A tagged frame from the trunk, going out to the site(s) of its VLAN. */
    @Override
    public void receive(ByteBuf frame) {
        int vlan;
        try {
            if (!Dot1q.isTagged(frame)) {
                throw new MalformedPacketException("dot1q.untagged");
            }
            vlan = Dot1q.vid(frame);
        } catch (MalformedPacketException bad) {
            malformed.increment();
            frame.release();
            return;
        }
        List<Tunnel> tunnels = table.forVlan(vlan);
        if (tunnels.isEmpty()) {
            noTunnelForVlan.increment();
            frame.release();
            return;
        }
        Dot1q.untag(frame);
        Tunnel target = tunnels.size() == 1 ? tunnels.get(0) : learnedSite(vlan, Ethernet.destination(frame));
        if (target != null) {
            send(target, frame);
            return;
        }
        for (int i = 0; i < tunnels.size(); i++) {
            send(tunnels.get(i), i == tunnels.size() - 1 ? frame : frame.retainedDuplicate());
        }
    }

    /** A datagram too long for the receive slot, cut by the kernel: counted as malformed. */
    @Override
    public void truncated(ByteBuf packet) {
        malformed.increment();
        packet.release();
    }

    long unknownTunnelDrops() {
        return unknownTunnel.sum();
    }

    long malformedDrops() {
        return malformed.sum();
    }

    long noTunnelForVlanDrops() {
        return noTunnelForVlan.sum();
    }

    long noTrunkDrops() {
        return noTrunk.sum();
    }

    private void send(Tunnel tunnel, ByteBuf frame) {
        ByteBuf packet = withVxlanHeader(frame, tunnel.vni());
        int length = packet.readableBytes();
        if (underlay.send(packet, tunnel.remoteEndpoint())) {
            tunnel.packetsOut.increment();
            tunnel.bytesOut.add(length);
        } else {
            tunnel.drops.increment();
        }
    }

    /** Prepends the VXLAN header in place when there is headroom (stack frames have it). */
    private static ByteBuf withVxlanHeader(ByteBuf frame, int vni) {
        if (frame.readerIndex() >= Vxlan.HEADER_LENGTH && !frame.isReadOnly() && frame.refCnt() == 1) {
            Vxlan.prepend(frame, vni);
            return frame;
        }
        ByteBuf header = frame.alloc().buffer(Vxlan.HEADER_LENGTH);
        Vxlan.encode(header, vni);
        return frame.alloc().compositeBuffer(2).addComponents(true, header, frame);
    }

    private void learn(Tunnel tunnel, long sourceMac) {
        if (Ethernet.isMulticast(sourceMac)) {
            return;
        }
        Map<Long, Tunnel> macs = learned.computeIfAbsent(tunnel.vlan(), v -> new ConcurrentHashMap<>());
        if (macs.size() >= MAX_LEARNED_PER_VLAN && !macs.containsKey(sourceMac)) {
            macs.clear();
        }
        macs.put(sourceMac, tunnel);
    }

    private Tunnel learnedSite(int vlan, long destinationMac) {
        if (Ethernet.isMulticast(destinationMac)) {
            return null;
        }
        Map<Long, Tunnel> macs = learned.get(vlan);
        Tunnel tunnel = macs == null ? null : macs.get(destinationMac);
        // a row that was removed or changed since learning is not a destination any more
        return tunnel != null && table.forVlan(vlan).contains(tunnel) ? tunnel : null;
    }
}
