package io.multistack.api.flow;

import io.multistack.api.link.FrameReceiver;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The lower mapping table {@code [(stack, device) ⇔ VLAN]}: the shared VLAN demux. */
@ProviderType
public interface LowerMapping {
    /**
     * Binds a tenant's stack to a VLAN of the trunk.
     *
     * @throws VlanInUseException when another tenant holds the VLAN; the holder is untouched
     * @throws IllegalArgumentException when the VLAN is outside 1..4094
     */
    Device attach(int vlan, String tenant, FrameReceiver stackInput) throws VlanInUseException;

    /** One row per attached VLAN, in VLAN order. */
    List<VlanRow> rows();

    /** Frames dropped at the trunk before reaching any VLAN, by reason. */
    TrunkDrops trunkDrops();
}
