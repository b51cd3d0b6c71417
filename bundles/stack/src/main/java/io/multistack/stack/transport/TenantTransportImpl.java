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

    public TenantTransportImpl(StackContext stack) {
        this.stack = stack;
    }

    @Override
    public EventLoop eventLoop() {
        return stack.loop();
    }

    @Override
    public ChannelFactory<? extends ServerSocketChannel> serverChannels() {
        return () -> new TenantServerChannel(stack);
    }

    @Override
    public ChannelFactory<? extends SocketChannel> socketChannels() {
        return () -> new TenantSocketChannel(stack);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannels() {
        return () -> new TenantDatagramChannel(stack);
    }
}
