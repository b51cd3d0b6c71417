package io.multistack.api.flow;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The access server's table {@code [(remote endpoint, VNI) ⇔ VLAN]}, read-only view. */
@ProviderType
public interface AccessTable {
    /** The UDP address the tunnel endpoint listens on, e.g. {@code 0.0.0.0:4789}. */
    String listenAddress();

    List<TunnelRow> tunnels();

    /** Tunnel packets from a (remote, VNI) pair that no row names. */
    long unknownTunnelDrops();

    /** Tunnel packets that were not valid VXLAN. */
    long malformedDrops();
}
