package io.multistack.demux;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.netty.buffer.ByteBuf;

/**
 * A tenant bound to a whole link (claim 1's "whole interface"): its frames cross the link
 * untagged, in both directions, without any demux in between.
 */
final class WholeLinkPort implements Device, FrameReceiver {
    private final String linkName;
    private final String tenant;
    private final FrameReceiver stackInput;
    private final PortCounters counters = new PortCounters();
    private final Runnable onClose;
    private volatile Link link;
    private volatile boolean closed;

    WholeLinkPort(String linkName, String tenant, FrameReceiver stackInput, Runnable onClose) {
        this.linkName = linkName;
        this.tenant = tenant;
        this.stackInput = stackInput;
        this.onClose = onClose;
    }

    String tenant() {
        return tenant;
    }

    /** What the port claims the link as. */
    String owner() {
        return "tenant " + tenant;
    }

    /** Connects the port to its link, or disconnects it with {@code null}. */
    void link(Link present) {
        this.link = present;
    }

    @Override
    public void receive(ByteBuf frame) {
        counters.in(frame.readableBytes());
        stackInput.receive(frame);
    }

    @Override
    public String link() {
        return linkName;
    }

    @Override
    public int vlan() {
        return LowerMapping.WHOLE_LINK;
    }

    @Override
    public int mtu() {
        Link present = link;
        return present == null ? VlanDemux.DEFAULT_MTU : present.mtu();
    }

    @Override
    public void transmit(ByteBuf frame) {
        Link out = link;
        if (closed || out == null) {
            counters.drop();
            frame.release();
            return;
        }
        counters.out(frame.readableBytes());
        out.transmit(frame);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }

    VlanRow row(String state) {
        return counters.row(linkName, LowerMapping.WHOLE_LINK, tenant, state);
    }
}
