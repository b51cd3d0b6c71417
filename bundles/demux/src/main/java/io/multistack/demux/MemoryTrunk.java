package io.multistack.demux;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import io.multistack.api.link.LinkOwnership;
import io.multistack.api.flow.LowerMapping;
import io.netty.buffer.ByteBuf;

/**
 * The in-memory trunk between the access server and the demux when both run in one
 * appliance: two cross-connected ends; a frame sent on one end is received on the other,
 * synchronously, without a copy.
 */
public final class MemoryTrunk {
    public static final String NAME = LowerMapping.MEMORY_TRUNK;
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
        private final LinkOwnership ownership = new LinkOwnership(MemoryTrunk.NAME);
        private End peer;

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
            FrameReceiver target = peer.ownership.receiver();
            if (target == null) {
                frame.release();
            } else {
                target.receive(frame);
            }
        }

        @Override
        public void claim(String owner, FrameReceiver receiver) throws LinkInUseException {
            ownership.claim(owner, receiver);
        }

        @Override
        public void release(String owner) {
            ownership.release(owner);
        }

        @Override
        public String owner() {
            return ownership.owner();
        }

        @Override
        public String toString() {
            return "memory trunk (" + side + " side)";
        }
    }
}
