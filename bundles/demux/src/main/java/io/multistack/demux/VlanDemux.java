package io.multistack.demux;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The VLAN demux of one trunk link: frames from the trunk are dispatched to tenant stacks by
 * VLAN ID in O(1) (one array slot per VID), untagged in place; frames from a stack are tagged
 * and sent on the trunk. Attach and detach replace single slots, so other VLANs never notice.
 * The trunk itself may come and go (a link configured later, or removed): without it, frames
 * from stacks are dropped and counted by their port.
 */
public final class VlanDemux implements FrameReceiver {
    /** What a trunk without a link reports as its MTU: plain Ethernet. */
    static final int DEFAULT_MTU = 1500;

    private final String trunkName;
    private volatile Link trunk;
    private final AtomicReferenceArray<VlanPort> ports = new AtomicReferenceArray<>(Dot1q.VID_COUNT);
    private final AtomicInteger attached = new AtomicInteger();
    private final LongAdder unknownVlan = new LongAdder();
    private final LongAdder untagged = new LongAdder();
    private final LongAdder malformed = new LongAdder();

    public VlanDemux(String trunkName) {
        this.trunkName = trunkName;
    }

    /** A demux already connected to its trunk (tests and the memory trunk). */
    public VlanDemux(Link trunk) {
        this(trunk.name());
        this.trunk = trunk;
    }

    String trunkName() {
        return trunkName;
    }

    /** Connects the demux to its trunk link, or disconnects it with {@code null}. */
    void trunk(Link link) {
        this.trunk = link;
    }

    Link trunk() {
        return trunk;
    }

    public VlanPort attach(int vlan, String tenant, FrameReceiver stackInput) throws VlanInUseException {
        if (vlan < Dot1q.MIN_VID || vlan > Dot1q.MAX_VID) {
            throw new IllegalArgumentException("VLAN " + vlan + " is outside 1..4094");
        }
        VlanPort port = new VlanPort(this, vlan, tenant, stackInput);
        if (!ports.compareAndSet(vlan, null, port)) {
            VlanPort holder = ports.get(vlan);
            throw new VlanInUseException(trunkName, vlan, holder == null ? "?" : holder.tenant());
        }
        attached.incrementAndGet();
        return port;
    }

    /** Frees the port's VLAN; true when it was attached until now. */
    boolean detach(VlanPort port) {
        if (ports.compareAndSet(port.vlan(), port, null)) {
            attached.decrementAndGet();
            return true;
        }
        return false;
    }

    /** How many VLANs are bound. */
    int attachedCount() {
        return attached.get();
    }

    /** One row per attached VLAN, in VLAN order, with the given state. */
    List<VlanRow> rows(String state) {
        List<VlanRow> rows = new ArrayList<>();
        for (int vlan = Dot1q.MIN_VID; vlan <= Dot1q.MAX_VID; vlan++) {
            VlanPort port = ports.get(vlan);
            if (port != null) {
                rows.add(port.row(trunkName, state));
            }
        }
        return rows;
    }

    long unknownVlanDrops() {
        return unknownVlan.sum();
    }

    long untaggedDrops() {
        return untagged.sum();
    }

    long malformedDrops() {
        return malformed.sum();
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

    /** An untagged frame from a stack, leaving on its VLAN; false (frame released) without a trunk. */
    boolean transmit(int vlan, ByteBuf frame) {
        Link out = trunk;
        if (out == null) {
            frame.release();
            return false;
        }
        out.transmit(Dot1q.tag(frame, vlan));
        return true;
    }

    int trunkMtu() {
        Link out = trunk;
        return out == null ? DEFAULT_MTU : out.mtu();
    }
}
