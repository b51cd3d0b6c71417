package io.multistack.demux;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.netty.buffer.ByteBuf;

/**
 * The in-memory trunk between the access server and the demux when both run in one
 * appliance: two cross-connected ends; a frame sent on one end is received on the other,
 * synchronously, without a copy.
 */
public final class MemoryTrunk {
    public static final String NAME = "memory";
    /** Jumbo-free Ethernet: what VXLAN sites are configured for (1450) fits well inside. */
    public static final int MTU = 1500;

    private final End serverSide = new End("server");
    private final End accessSide = new End("access");

    public MemoryTrunk() {
        serverSide.peer = accessSide;
        accessSide.peer = serverSide;
    }

    public Link serverSide() {
        return serverSide;
    }

    public Link accessSide() {
        return accessSide;
    }

    private static final class End implements Link {
        private final String side;
        private End peer;
        private volatile FrameReceiver receiver;

        End(String side) {
            this.side = side;
        }

        @Override
        public String name() {
            return MemoryTrunk.NAME;
        }

        @Override
        public int mtu() {
            return MTU;
        }

        @Override
        public void transmit(ByteBuf frame) {
            FrameReceiver target = peer.receiver;
            if (target == null) {
                frame.release();
            } else {
                target.receive(frame);
            }
        }

        @Override
        public void receiver(FrameReceiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public String toString() {
            return "memory trunk (" + side + " side)";
        }
    }
}
