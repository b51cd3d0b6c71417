package io.multistack.stack.transport;

import io.multistack.api.stack.TenantTransport;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/** The channel factories of one tenant. */
public final class TenantTransportImpl implements TenantTransport {
    private final StackContext stack;
    private final ChannelFactory<? extends ServerSocketChannel> servers;
    private final ChannelFactory<? extends SocketChannel> sockets;

    public TenantTransportImpl(StackContext stack, ChannelFactory<? extends ServerSocketChannel> servers,
            ChannelFactory<? extends SocketChannel> sockets) {
        this.stack = stack;
        this.servers = servers;
        this.sockets = sockets;
    }

    @Override
    public EventLoop eventLoop() {
        return stack.loop();
    }

    @Override
    public ChannelFactory<? extends ServerSocketChannel> serverChannels() {
        return servers;
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannels() {
        return sockets;
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannels() {
        return () -> new TenantDatagramChannel(stack);
    }
}
