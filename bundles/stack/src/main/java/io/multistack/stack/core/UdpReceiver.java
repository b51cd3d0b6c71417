package io.multistack.stack.core;

import io.netty.buffer.ByteBuf;

/** Where datagrams for a bound UDP port go; called on the stack's loop. */
@FunctionalInterface
public interface UdpReceiver {
    /** The payload is a retained slice the receiver must release. */
    void datagram(int sourceIp, int sourcePort, int destinationIp, int destinationPort, ByteBuf payload, long now);
}
