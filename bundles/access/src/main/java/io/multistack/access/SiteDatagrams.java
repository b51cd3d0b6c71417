package io.multistack.access;

import io.netty.buffer.ByteBuf;

/** Where the endpoint's sockets hand the datagrams they read: the {@link TunnelSwitch}, or a test. */
interface SiteDatagrams {
    /** A UDP payload from {@code remote} (IPv4 as int). Takes ownership of the buffer. */
    void fromSite(int remote, ByteBuf payload);

    /** A datagram longer than the receive slot, cut by the kernel. Takes ownership of the buffer. */
    void truncated(ByteBuf payload);
}
