package io.multistack.demux;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TrunkDrops;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.wire.Dot1q;
import io.multistack.wire.Ethernet;
import io.multistack.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lower mapping: frames from a trunk are dispatched to tenant stacks by VLAN ID in O(1)
 * (one array slot per VID), untagged in place; frames from a stack are tagged and sent on
 * the trunk. Attach and detach replace single slots, so other VLANs never notice.
 */
public final class VlanDemux implements LowerMapping, FrameReceiver {
    private final Link trunk;
    private final AtomicReferenceArray<VlanPort> ports = new AtomicReferenceArray<>(Dot1q.VID_COUNT);
    private final LongAdder unknownVlan = new LongAdder();
    private final LongAdder untagged = new LongAdder();
    private final LongAdder malformed = new LongAdder();

    public VlanDemux(Link trunk) {
        this.trunk = trunk;
    }

    @Override
    public Device attach(int vlan, String tenant, FrameReceiver stackInput) throws VlanInUseException {
        if (vlan < Dot1q.MIN_VID || vlan > Dot1q.MAX_VID) {
            throw new IllegalArgumentException("VLAN " + vlan + " is outside 1..4094");
        }
        VlanPort port = new VlanPort(this, vlan, tenant, stackInput);
        if (!ports.compareAndSet(vlan, null, port)) {
            VlanPort holder = ports.get(vlan);
            throw new VlanInUseException(vlan, holder == null ? "?" : holder.tenant());
        }
        return port;
    }

    void detach(VlanPort port) {
        ports.compareAndSet(port.vlan(), port, null);
    }

    @Override
    public List<VlanRow> rows() {
        List<VlanRow> rows = new ArrayList<>();
        for (int vlan = Dot1q.MIN_VID; vlan <= Dot1q.MAX_VID; vlan++) {
            VlanPort port = ports.get(vlan);
            if (port != null) {
                rows.add(port.row());
            }
        }
        return rows;
    }

    @Override
    public TrunkDrops trunkDrops() {
        return new TrunkDrops(unknownVlan.sum(), untagged.sum(), malformed.sum());
    }

    /** A tagged frame from the trunk. */
    @Override
    public void receive(ByteBuf frame) {
        try {
            if (frame.readableBytes() < Ethernet.HEADER_LENGTH) {
                throw new MalformedPacketException("ethernet.truncated");
            }
            if (!Dot1q.isTagged(frame)) {
                untagged.increment();
                frame.release();
                return;
            }
            VlanPort port = ports.get(Dot1q.vid(frame));
            if (port == null) {
                unknownVlan.increment();
                frame.release();
                return;
            }
            Dot1q.untag(frame);
            port.deliver(frame);
        } catch (MalformedPacketException bad) {
            malformed.increment();
            frame.release();
        }
    }

    /** An untagged frame from a stack, leaving on its VLAN. */
    void transmit(int vlan, ByteBuf frame) {
        trunk.transmit(Dot1q.tag(frame, vlan));
    }

    int trunkMtu() {
        return trunk.mtu();
    }
}
