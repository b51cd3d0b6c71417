package io.multistack.api.stack;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A tenant stack as a Netty transport: any Netty server or client binds inside one tenant
 * exactly as it would bind a socket, with the ordinary bootstraps:
 *
 * <pre>
 * new ServerBootstrap().group(transport.eventLoop())
 *     .channelFactory(transport.serverChannels())
 *     .childHandler(...).bind(7);
 * </pre>
 *
 * Channels must be registered on {@link #eventLoop()}, the loop that owns the tenant's
 * protocol state; addresses are the tenant's own (0.0.0.0 means the tenant's address).
 */
@ProviderType
public interface TenantTransport {
    EventLoop eventLoop();

    /** TCP listening channels. */
    ChannelFactory<? extends ServerSocketChannel> serverChannels();

    /** TCP connections opened from the tenant into its network (the patent's push). */
    ChannelFactory<? extends SocketChannel> socketChannels();

    /** UDP sockets. */
    ChannelFactory<? extends DatagramChannel> datagramChannels();
}
