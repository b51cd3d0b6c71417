package io.multistack.stack.transport;

import io.multistack.stack.tcp.ConnectionHandler;
import io.multistack.stack.tcp.TcpConnection;
import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection of one tenant, either accepted by a {@link TenantServerChannel} or opened
 * from the tenant into its network ({@code connect}, the patent's push). Reads pull in-order
 * data from the engine when the pipeline asks; writes go into the engine's send buffer as far
 * as it has room, the rest waits in Netty's outbound buffer (which drives writability) until
 * the engine reports space again.
 */
public final class TenantSocketChannel extends AbstractChannel implements SocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** Largest buffer handed to the pipeline per read. */
    static final int MAX_READ = 64 * 1024;

    private final StackContext stack;
    private static final int UNSET = -1;
    private final TenantSocketChannelConfig config;
    private TcpConnection connection;
    private int appliedReceiveBuffer = UNSET; // the SO_RCVBUF last given to the connection
    private boolean open = true;
    private boolean established;
    private boolean readPending;
    private boolean inputShutdown;
    private boolean inputShutdownSignalled;
    private boolean outputShutdown;
    private boolean peerGone;
    private InetSocketAddress local;
    private InetSocketAddress remote;
    private ChannelPromise connectPromise;
    private ScheduledFuture<?> connectTimeout;

    /** A connection opened from this tenant. */
    public TenantSocketChannel(StackContext stack) {
        super(null);
        this.stack = stack;
        this.config = new TenantSocketChannelConfig(this, this::applyOptions);
    }

    /** A connection accepted by a listener of this tenant (already established). */
    TenantSocketChannel(TenantServerChannel parent, StackContext stack, TcpConnection accepted) {
        super(parent);
        this.stack = stack;
        this.config = new TenantSocketChannelConfig(this, this::applyOptions);
        this.config.setReceiveBufferSize(parent.config().getReceiveBufferSize());
        this.connection = accepted;
        this.established = true;
        this.local = address(accepted.localIp(), accepted.localPort());
        this.remote = address(accepted.remoteIp(), accepted.remotePort());
        accepted.handler(new Events());
        applyOptions();
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public SocketChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && established;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !open;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !open;
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        return onLoop(promise, () -> {
            // TCP cannot tell the peer; like the kernel, further data is read and thrown away
            inputShutdown = true;
            discardInput();
            stack.afterWork(); // reading opened the window: the update leaves with the batch's end
            promise.trySuccess();
        });
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        return onLoop(promise, () -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelPromise outputDone = newPromise();
        shutdownOutput(outputDone);
        outputDone.addListener(done -> shutdownInput(promise));
        return promise;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new SocketUnsafe();
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
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doRegister() {
        if (peerGone) {
            // the peer reset or closed before the pipeline existed: report it as soon as it does
            eventLoop().execute(() -> unsafe().close(voidPromise()));
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        local = stack.bindable(localAddress);
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        cancelConnectTimeout();
        if (connectPromise != null) {
            connectPromise.tryFailure(new java.nio.channels.ClosedChannelException());
            connectPromise = null;
        }
        if (connection != null && !peerGone) {
            connection.close(stack.now());
            stack.afterWork();
        }
    }

    @Override
    protected void doShutdownOutput() {
        outputShutdown = true;
        if (connection != null) {
            connection.shutdownOutput(stack.now());
            stack.afterWork();
        }
    }

    @Override
    protected void doBeginRead() {
        if (!established) {
            return;
        }
        readPending = true;
        if (readAvailable()) {
            // reading may have opened the window; a read the pipeline asks for while it handles
            // a batch delivers nothing here, so the batch's ACKs still leave together at its end
            stack.afterWork();
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer out) throws Exception {
        long now = stack.now();
        try {
            for (;;) {
                Object message = out.current();
                if (message == null) {
                    break;
                }
                ByteBuf data = (ByteBuf) message;
                int wanted = data.readableBytes();
                if (wanted == 0) {
                    out.remove();
                    continue;
                }
                int taken = connection.write(data, now); // takes retained slices, leaves data's indices alone
                if (taken > 0) {
                    out.removeBytes(taken);
                }
                if (taken < wanted) {
                    // send buffer full: Events.writable() flushes the rest when space frees
                    break;
                }
            }
            connection.flush(now);
        } finally {
            stack.afterWork();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object message) {
        if (message instanceof ByteBuf) {
            return message;
        }
        throw new UnsupportedOperationException("unsupported message type: " + message.getClass().getName()
                + " (tenant TCP channels carry ByteBufs)");
    }

    /** Pulls in-order data from the engine into the pipeline while the pipeline wants it; true if it read any. */
    private boolean readAvailable() {
        if (connection == null) {
            return false;
        }
        if (inputShutdown) {
            discardInput();
            return false;
        }
        boolean delivered = false;
        while (readPending) {
            ByteBuf data = connection.read(MAX_READ);
            if (data == null) {
                break;
            }
            delivered = true;
            readPending = config.isAutoRead();
            pipeline().fireChannelRead(data);
        }
        if (delivered) {
            pipeline().fireChannelReadComplete();
        }
        if (connection.isInputShutdown() && !inputShutdownSignalled && (readPending || !delivered)
                && connection.receiveQueueBytes() == 0) {
            peerClosedOutput();
        }
        return delivered;
    }

    /** The peer sent FIN and everything before it was read. */
    private void peerClosedOutput() {
        inputShutdownSignalled = true;
        inputShutdown = true;
        if (config.isAllowHalfClosure()) {
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        } else {
            unsafe().close(voidPromise());
        }
    }

    private void discardInput() {
        ByteBuf data;
        while (connection != null && (data = connection.read(MAX_READ)) != null) {
            data.release();
        }
    }

    private void applyOptions() {
        if (connection == null) {
            return;
        }
        Runnable apply = () -> {
            connection.noDelay(config.isTcpNoDelay());
            connection.keepAlive(config.isKeepAlive(), stack.now());
            // only sizes the application chose: setting one fixes the buffer (no auto-tuning), and
            // setting the same size again would advertise a needless window update
            int receiveBuffer = config.getReceiveBufferSize();
            if (receiveBuffer != appliedReceiveBuffer) {
                if (appliedReceiveBuffer != UNSET || receiveBuffer != connection.receiveBufferSize()) {
                    connection.receiveBufferSize(receiveBuffer);
                }
                appliedReceiveBuffer = receiveBuffer;
            }
            if (connection.sendBufferSize() != config.getSendBufferSize()) {
                connection.sendBufferSize(config.getSendBufferSize());
            }
            stack.afterWork();
        };
        if (stack.loop().inEventLoop()) {
            apply.run();
        } else {
            stack.loop().execute(apply);
        }
    }

    private ChannelFuture onLoop(ChannelPromise promise, Runnable work) {
        if (eventLoop().inEventLoop()) {
            work.run();
        } else {
            eventLoop().execute(work);
        }
        return promise;
    }

    private void cancelConnectTimeout() {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
    }

    private static InetSocketAddress address(int ip, int port) {
        return new InetSocketAddress(Ipv4Address.toInet(ip), port);
    }

    /** Engine events, on the tenant's loop. */
    private final class Events implements ConnectionHandler {
        @Override
        public void connected() {
            cancelConnectTimeout();
            established = true;
            local = address(connection.localIp(), connection.localPort());
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (promise != null && promise.trySuccess()) {
                pipeline().fireChannelActive();
            }
        }

        @Override
        public void readable() {
            if (readPending || inputShutdown) {
                readAvailable();
            }
        }

        @Override
        public void writable() {
            ((SocketUnsafe) unsafe()).flushNow();
        }

        @Override
        public void closed(Throwable cause) {
            peerGone = true;
            cancelConnectTimeout();
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (promise != null) {
                promise.tryFailure(cause != null ? cause : new ConnectException("connection closed during connect"));
                unsafe().close(voidPromise());
                return;
            }
            if (!isRegistered()) {
                return;
            }
            // deliver what arrived before the end, then report how it ended
            readPending = true;
            readAvailable();
            if (cause != null) {
                pipeline().fireExceptionCaught(cause instanceof IOException ? cause : new IOException(cause.getMessage(), cause));
            }
            unsafe().close(voidPromise());
        }
    }

    private final class SocketUnsafe extends AbstractUnsafe {
        void flushNow() {
            flush0();
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null || connection != null) {
                promise.tryFailure(new IllegalStateException("already connecting or connected"));
                return;
            }
            try {
                InetSocketAddress target = (InetSocketAddress) remoteAddress;
                if (target.isUnresolved() || !(target.getAddress() instanceof Inet4Address destination)) {
                    throw new IllegalArgumentException("not an IPv4 address: " + remoteAddress);
                }
                if (localAddress != null) {
                    doBind(localAddress);
                }
                int localPort = local == null ? 0 : local.getPort();
                remote = target;
                connectPromise = promise;
                connection = stack.tcp().connect(stack.core().address(), localPort, Ipv4Address.toInt(destination),
                        target.getPort(), new Events(), stack.now());
                local = address(connection.localIp(), connection.localPort());
                applyOptions();
                int timeoutMillis = config.getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise pending = connectPromise;
                        if (pending != null && pending.tryFailure(
                                new ConnectTimeoutException("connection timed out after " + timeoutMillis + " ms: " + target))) {
                            connectPromise = null;
                            connection.abort(stack.now());
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                stack.afterWork();
            } catch (Exception failed) {
                connectPromise = null;
                promise.tryFailure(annotateConnectException(failed, remoteAddress));
                closeIfClosed();
            }
        }
    }
}
