package io.multistack.api.flow;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.LinkInUseException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The lower mapping table {@code [(stack, device) ⇔ (link, VLAN)]}: binds each tenant stack
 * either to one VLAN of a trunk link (the shared VLAN demux) or to a whole untagged link.
 * A binding may name a link that does not exist yet: its row says so, and frames flow as
 * soon as the link appears.
 */
@ProviderType
public interface LowerMapping {
    /** The in-memory trunk to the access server of the same appliance. */
    String MEMORY_TRUNK = "memory";
    /** The "VLAN" of a binding to a whole untagged link. */
    int WHOLE_LINK = 0;

    /**
     * Binds a tenant's stack to VLAN {@code vlan} (1..4094) of trunk {@code link}, or to the
     * whole of {@code link} when {@code vlan} is {@link #WHOLE_LINK}.
     *
     * @throws VlanInUseException when another tenant holds the VLAN on that trunk
     * @throws LinkInUseException when the link is used otherwise (whole by another tenant, as
     *     a trunk while a whole binding is asked for, or by the access server)
     * @throws IllegalArgumentException when the VLAN is outside 0..4094
     */
    Device attach(String link, int vlan, String tenant, FrameReceiver stackInput)
            throws VlanInUseException, LinkInUseException;

    /** One row per binding, by link name then VLAN. */
    List<VlanRow> rows();

    /** One row per trunk link that has (or had) VLANs bound, by name. */
    List<TrunkRow> trunks();
}
