package io.multistack.stack.core;

import io.netty.buffer.ByteBuf;

/** How transport protocols hand packets to the IP layer (implemented by {@link StackCore}). */
public interface IpOutput {
    /** Bytes reserved before the transport header for IPv4, Ethernet, 802.1Q and VXLAN. */
    int HEADROOM = StackCore.HEADROOM + 20;

    /** A buffer for a transport packet of that length, with headroom; write at its writer index. */
    ByteBuf allocate(int transportLength);

    /** Sends a transport packet (allocated by {@link #allocate}) from our address to a destination. */
    void send(int protocol, int destination, ByteBuf transportPacket, long now);

    /** Our IPv4 address. */
    int address();

    /** The largest IPv4 packet towards that destination (device MTU or a lower path MTU). */
    int mtu(int destination);
}
