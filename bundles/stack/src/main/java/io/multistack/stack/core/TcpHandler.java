package io.multistack.stack.core;

import io.multistack.api.stack.ConnectionInfo;
import io.netty.buffer.ByteBuf;
import java.util.List;

/** The TCP engine as the IP layer sees it; every call on the stack's loop. */
public interface TcpHandler {
    /** One segment (TCP header and payload) addressed to us; the handler releases it. */
    void receive(int source, int destination, ByteBuf segment, long now);

    void tick(long now);

    /** Earliest protocol deadline, or {@link Long#MAX_VALUE}. */
    long nextDeadline();

    /** An ICMP "fragmentation needed" lowered the path MTU towards {@code remote}. */
    void pathMtuChanged(int remote, int mtu, long now);

    /** Open connections and listeners, for operators. */
    List<ConnectionInfo> connections(long now);

    /** Releases every connection; called when the stack closes. */
    void close(long now);
}
