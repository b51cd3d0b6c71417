package io.multistack.demux;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;

/** One row of the lower mapping: a VLAN, the tenant on it, and its counters. */
final class VlanPort implements Device {
    private final VlanDemux demux;
    private final int vlan;
    private final String tenant;
    private final FrameReceiver stackInput;
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder drops = new LongAdder();
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

    void deliver(ByteBuf frame) {
        framesIn.increment();
        bytesIn.add(frame.readableBytes());
        stackInput.receive(frame);
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
            drops.increment();
            frame.release();
            return;
        }
        framesOut.increment();
        bytesOut.add(frame.readableBytes());
        demux.transmit(vlan, frame);
    }

    @Override
    public void close() {
        closed = true;
        demux.detach(this);
    }

    VlanRow row() {
        return new VlanRow(vlan, tenant, framesIn.sum(), bytesIn.sum(), framesOut.sum(), bytesOut.sum(), drops.sum());
    }
}
