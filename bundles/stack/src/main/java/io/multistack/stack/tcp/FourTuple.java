package io.multistack.stack.tcp;

import io.multistack.wire.Ipv4Address;

/** The demux key of a connection. */
record FourTuple(int localIp, int localPort, int remoteIp, int remotePort) {
    boolean is(int local, int localPortNumber, int remote, int remotePortNumber) {
        return localIp == local && localPort == localPortNumber && remoteIp == remote && remotePort == remotePortNumber;
    }

    @Override
    public String toString() {
        return Ipv4Address.format(localIp) + ":" + localPort + "<->" + Ipv4Address.format(remoteIp) + ":" + remotePort;
    }
}
