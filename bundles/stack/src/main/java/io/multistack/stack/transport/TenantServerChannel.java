package io.multistack.stack.transport;

import io.multistack.stack.tcp.TcpConnection;
import io.multistack.stack.tcp.TcpListener;
import io.multistack.wire.Ipv4Address;
import io.netty.channel.AbstractServerChannel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * A TCP listener of one tenant. Connections the engine completes are handed to the pipeline
 * as {@link TenantSocketChannel}s (ServerBootstrap registers them on the same loop).
 */
public final class TenantServerChannel extends AbstractServerChannel implements ServerSocketChannel {
    private final StackContext stack;
    private final TenantServerChannelConfig config = new TenantServerChannelConfig(this);
    private final ArrayDeque<TcpConnection> accepted = new ArrayDeque<>();
    private TcpListener listener;
    private InetSocketAddress local;
    private boolean open = true;
    private boolean readPending;

    public TenantServerChannel(StackContext stack) {
        this.stack = stack;
    }

    @Override
    public ServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && listener != null;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop == stack.loop();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        InetSocketAddress wanted = stack.bindable(localAddress);
        listener = stack.tcp().listen(stack.core().address(), wanted.getPort(), config.getBacklog(), this::accept);
        // accepted connections start with the listener's sizes, so their SYN-ACK already offers the right window
        listener.bufferSizes(config.getReceiveBufferSize(), TenantSocketChannelConfig.DEFAULT_BUFFER);
        local = new InetSocketAddress(wanted.getAddress(), listener.port());
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        if (listener != null) {
            listener.close(stack.now());
        }
        TcpConnection waiting;
        while ((waiting = accepted.poll()) != null) {
            waiting.abort(stack.now());
        }
        stack.afterWork();
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        deliver();
    }

    private void accept(TcpConnection connection) {
        if (!open) {
            connection.abort(stack.now());
            return;
        }
        accepted.add(connection);
        deliver();
    }

    private void deliver() {
        boolean delivered = false;
        TcpConnection connection;
        while (readPending && (connection = accepted.poll()) != null) {
            readPending = config.isAutoRead();
            delivered = true;
            pipeline().fireChannelRead(new TenantSocketChannel(this, stack, connection));
        }
        if (delivered) {
            pipeline().fireChannelReadComplete();
        }
    }
}
