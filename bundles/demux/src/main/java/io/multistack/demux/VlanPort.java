package io.multistack.demux;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.netty.buffer.ByteBuf;

/** One VLAN row of the lower mapping: a VLAN of a trunk, the tenant on it, and its counters. */
public final class VlanPort implements Device {
    private final VlanDemux demux;
    private final int vlan;
    private final String tenant;
    private final FrameReceiver stackInput;
    private final PortCounters counters = new PortCounters();
    private volatile Runnable onClose = () -> {};
    private volatile boolean closed;

    VlanPort(VlanDemux demux, int vlan, String tenant, FrameReceiver stackInput) {
        this.demux = demux;
        this.vlan = vlan;
        this.tenant = tenant;
        this.stackInput = stackInput;
    }

    String tenant() {
        return tenant;
    }

    /** What else must happen when the tenant lets go of the port (the mapping's bookkeeping). */
    void onClose(Runnable action) {
        onClose = action;
    }

    void deliver(ByteBuf frame) {
        counters.in(frame.readableBytes());
        stackInput.receive(frame);
    }

    @Override
    public String link() {
        return demux.trunkName();
    }

    @Override
    public int vlan() {
        return vlan;
    }

    @Override
    public int mtu() {
        return demux.trunkMtu();
    }

    @Override
    public void transmit(ByteBuf frame) {
        if (closed) {
            counters.drop();
            frame.release();
            return;
        }
        int length = frame.readableBytes();
        if (demux.transmit(vlan, frame)) {
            counters.out(length);
        } else {
            counters.drop();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (demux.detach(this)) {
            onClose.run();
        }
    }

    VlanRow row(String trunk, String state) {
        return counters.row(trunk, vlan, tenant, state);
    }
}
