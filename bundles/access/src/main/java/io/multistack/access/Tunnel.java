package io.multistack.access;

import io.multistack.api.flow.TunnelRow;
import io.multistack.wire.Ipv4Address;
import io.multistack.wire.Vxlan;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/** One access row {@code [(remote, VNI) ⇔ VLAN]} with its counters. */
final class Tunnel {
    private final String name;
    private final int remote;
    private final int vni;
    private final int vlan;
    private final InetSocketAddress remoteEndpoint;
    final LongAdder packetsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder drops = new LongAdder();

    Tunnel(String name, int remote, int vni, int vlan) {
        this.name = name;
        this.remote = remote;
        this.vni = vni;
        this.vlan = vlan;
        // replies go to the site's well-known port, never to the hashed source port it used
        this.remoteEndpoint = new InetSocketAddress(Ipv4Address.toInet(remote), Vxlan.PORT);
    }

    String name() {
        return name;
    }

    int remote() {
        return remote;
    }

    int vni() {
        return vni;
    }

    int vlan() {
        return vlan;
    }

    InetSocketAddress remoteEndpoint() {
        return remoteEndpoint;
    }

    /** The key of the ingress lookup: remote address and VNI in one long. */
    long key() {
        return key(remote, vni);
    }

    static long key(int remote, int vni) {
        return (long) remote << 32 | vni;
    }

    boolean sameRow(Tunnel other) {
        return remote == other.remote && vni == other.vni && vlan == other.vlan;
    }

    TunnelRow row() {
        return new TunnelRow(name, Ipv4Address.format(remote), vni, vlan, packetsIn.sum(), bytesIn.sum(),
                packetsOut.sum(), bytesOut.sum(), drops.sum());
    }
}
