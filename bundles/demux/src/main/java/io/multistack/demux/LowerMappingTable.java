package io.multistack.demux;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TrunkRow;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import io.multistack.wire.Dot1q;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole lower mapping of an appliance: for every link name that tenants refer to, either
 * a VLAN demux (the link is a trunk) or one whole-link port. Links appear and disappear
 * independently of the tenants bound to them; a binding to an absent link waits for it.
 * A link is claimed only while something is bound to it, so an unused link stays free for
 * the access server. Control operations are serialised on this table; frames never take
 * its lock.
 */
public final class LowerMappingTable implements LowerMapping {
    static final String DEMUX_OWNER = "the VLAN demux";
    private static final Logger LOG = System.getLogger("io.multistack.demux");

    /** What the table knows about one link name. */
    private static final class Slot {
        final String name;
        Link link;
        VlanDemux demux;
        WholeLinkPort whole;
        String claimFailure;

        Slot(String name) {
            this.name = name;
        }
    }

    private final Map<String, Slot> slots = new TreeMap<>();

    @Override
    public synchronized Device attach(String link, int vlan, String tenant, FrameReceiver stackInput)
            throws VlanInUseException, LinkInUseException {
        if (link == null || link.isBlank()) {
            throw new IllegalArgumentException("a link name is required");
        }
        if (vlan != WHOLE_LINK && (vlan < Dot1q.MIN_VID || vlan > Dot1q.MAX_VID)) {
            throw new IllegalArgumentException("VLAN " + vlan + " is outside 1..4094");
        }
        Slot slot = slots.computeIfAbsent(link, Slot::new);
        if (slot.whole != null) {
            throw new LinkInUseException(link, slot.whole.owner() + " (as a whole link)");
        }
        return vlan == WHOLE_LINK ? attachWhole(slot, tenant, stackInput) : attachVlan(slot, vlan, tenant, stackInput);
    }

    private Device attachWhole(Slot slot, String tenant, FrameReceiver stackInput) throws LinkInUseException {
        if (slot.demux != null && slot.demux.attachedCount() > 0) {
            throw new LinkInUseException(slot.name, DEMUX_OWNER + " (as a trunk)");
        }
        WholeLinkPort port = new WholeLinkPort(slot.name, tenant, stackInput, () -> detachWhole(slot));
        if (slot.link != null) {
            slot.link.claim(port.owner(), port);
            port.link(slot.link);
        }
        slot.whole = port;
        slot.claimFailure = null;
        return port;
    }

    private Device attachVlan(Slot slot, int vlan, String tenant, FrameReceiver stackInput)
            throws VlanInUseException, LinkInUseException {
        if (slot.demux == null) {
            slot.demux = new VlanDemux(slot.name);
        }
        VlanDemux demux = slot.demux;
        VlanPort port = demux.attach(vlan, tenant, stackInput);
        if (slot.link != null && demux.trunk() == null) {
            try {
                claimAsTrunk(slot);
            } catch (LinkInUseException taken) {
                demux.detach(port);
                throw taken;
            }
        }
        port.onClose(() -> detachVlan(slot));
        return port;
    }

    private void claimAsTrunk(Slot slot) throws LinkInUseException {
        slot.link.claim(DEMUX_OWNER, slot.demux);
        slot.demux.trunk(slot.link);
        slot.claimFailure = null;
    }

    private synchronized void detachVlan(Slot slot) {
        if (slot.demux.attachedCount() == 0 && slot.link != null) {
            slot.demux.trunk(null);
            slot.link.release(DEMUX_OWNER);
        }
    }

    private synchronized void detachWhole(Slot slot) {
        WholeLinkPort port = slot.whole;
        if (port == null) {
            return;
        }
        slot.whole = null;
        port.link(null);
        if (slot.link != null) {
            slot.link.release(port.owner());
        }
    }

    /** A link service appeared: bindings waiting for it start to flow. */
    public synchronized void linkAdded(Link link) {
        Slot slot = slots.computeIfAbsent(link.name(), Slot::new);
        if (slot.link != null && slot.link != link) {
            LOG.log(Level.WARNING, "Two links are named {0}; the lower mapping keeps the first", link.name());
            return;
        }
        slot.link = link;
        try {
            if (slot.whole != null) {
                link.claim(slot.whole.owner(), slot.whole);
                slot.whole.link(link);
            } else if (slot.demux != null && slot.demux.attachedCount() > 0) {
                claimAsTrunk(slot);
            }
        } catch (LinkInUseException taken) {
            slot.claimFailure = "link used by " + taken.holder();
            LOG.log(Level.ERROR, "Link {0} is used by {1}: the tenants bound to it get no frames until it is free",
                    link.name(), taken.holder());
        }
    }

    /** A link service went away: its bindings stay and wait for it to come back. */
    public synchronized void linkRemoved(Link link) {
        Slot slot = slots.get(link.name());
        if (slot == null || slot.link != link) {
            return;
        }
        if (slot.whole != null) {
            slot.whole.link(null);
            link.release(slot.whole.owner());
        }
        if (slot.demux != null && slot.demux.trunk() == link) {
            slot.demux.trunk(null);
            link.release(DEMUX_OWNER);
        }
        slot.link = null;
        slot.claimFailure = null;
    }

    @Override
    public synchronized List<VlanRow> rows() {
        List<VlanRow> rows = new ArrayList<>();
        for (Slot slot : slots.values()) {
            String state = state(slot);
            if (slot.whole != null) {
                rows.add(slot.whole.row(state));
            }
            if (slot.demux != null) {
                rows.addAll(slot.demux.rows(state));
            }
        }
        return rows;
    }

    @Override
    public synchronized List<TrunkRow> trunks() {
        List<TrunkRow> rows = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (slot.demux != null) {
                VlanDemux demux = slot.demux;
                rows.add(new TrunkRow(slot.name, state(slot), demux.attachedCount(), demux.unknownVlanDrops(),
                        demux.untaggedDrops(), demux.malformedDrops()));
            }
        }
        return rows;
    }

    private static String state(Slot slot) {
        if (slot.link == null) {
            return "link absent";
        }
        if (slot.claimFailure != null) {
            return slot.claimFailure;
        }
        String linkState = slot.link.state();
        return "up".equals(linkState) ? "up" : "link " + linkState;
    }
}
