package io.multistack.api.flow;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The access server's table {@code [(remote endpoint, VNI) ⇔ VLAN]}, read-only view. */
@ProviderType
public interface AccessTable {
    /** The UDP address the tunnel endpoint listens on, e.g. {@code 0.0.0.0:4789}, or {@code off}. */
    String listenAddress();

    /** The trunk link the access server sends its tagged frames on, e.g. {@code memory}. */
    String trunk();

    /** {@code up}, or why no frames cross the trunk (e.g. {@code link absent}, {@code link used by ...}). */
    String trunkState();

    /** Tunnel packets dropped because the trunk was absent or down. */
    long noTrunkDrops();

    List<TunnelRow> tunnels();

    /** Tunnel packets from a (remote, VNI) pair that no row names. */
    long unknownTunnelDrops();

    /** Tunnel packets that were not valid VXLAN. */
    long malformedDrops();
}
