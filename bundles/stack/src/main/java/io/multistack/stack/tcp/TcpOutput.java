package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;

/** Where the engine's segments go: the tenant's IPv4 layer. */
public interface TcpOutput {
    /** A buffer with headroom for IPv4 + Ethernet whose writer index is where the TCP header goes. */
    ByteBuf allocate(int tcpLength);

    /** Sends a complete TCP segment (checksum filled); the IP layer prepends its header and owns the buffer. */
    void send(int sourceIp, int destinationIp, ByteBuf tcpSegment, long now);

    /** Device MTU (IPv4 packet size); MSS = mtu - 40. */
    int mtu();
}
