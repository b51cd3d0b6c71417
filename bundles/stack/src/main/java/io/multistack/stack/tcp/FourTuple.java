package io.multistack.stack.tcp;

import io.multistack.wire.Ipv4Address;

/** The demux key of a connection. */
record FourTuple(int localIp, int localPort, int remoteIp, int remotePort) {
    @Override
    public String toString() {
        return Ipv4Address.format(localIp) + ":" + localPort + "<->" + Ipv4Address.format(remoteIp) + ":" + remotePort;
    }
}
