package io.multistack.stack.transport;

import io.multistack.stack.core.StackCore;

import io.netty.channel.EventLoop;

/** What a tenant's channels need of their stack. Every method except {@link #loop} on the loop only. */
public interface StackContext {
    /** The loop that owns the tenant's protocol state; channels register here and nowhere else. */
    EventLoop loop();

    long now();

    StackCore core();

    /** The tenant's TCP engine, through its binding to the IP layer. */
    TcpBinding tcp();

    /**
     * The tenant's own address for a bind: the wildcard or the tenant's address itself.
     *
     * @throws IllegalArgumentException for any other address (a tenant has exactly one)
     */
    default java.net.InetSocketAddress bindable(java.net.SocketAddress requested) {
        java.net.InetSocketAddress wanted = (java.net.InetSocketAddress) requested;
        java.net.InetAddress address = wanted.getAddress();
        int own = core().address();
        if (address != null && !address.isAnyLocalAddress()
                && (!(address instanceof java.net.Inet4Address v4) || io.multistack.wire.Ipv4Address.toInt(v4) != own)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not this tenant's address "
                    + io.multistack.wire.Ipv4Address.format(own));
        }
        return new java.net.InetSocketAddress(io.multistack.wire.Ipv4Address.toInet(own), wanted.getPort());
    }

    /** Call after any work that may have changed protocol deadlines (timers are re-armed). */
    void afterWork();
}
