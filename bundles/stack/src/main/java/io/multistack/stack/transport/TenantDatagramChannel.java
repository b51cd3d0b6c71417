package io.multistack.stack.transport;

import io.multistack.stack.core.UdpLayer;
import io.multistack.stack.core.UdpReceiver;
import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * A UDP socket of one tenant. Received datagrams queue up to SO_RCVBUF bytes (more are
 * dropped and counted, as a kernel does) and are read as {@link DatagramPacket}s; writes
 * take {@link DatagramPacket}s or, once connected, plain {@link ByteBuf}s.
 */
public final class TenantDatagramChannel extends AbstractChannel implements DatagramChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true);

    private final StackContext stack;
    private final TenantDatagramChannelConfig config = new TenantDatagramChannelConfig(this);
    private final ArrayDeque<DatagramPacket> received = new ArrayDeque<>();
    private final UdpReceiver receiver = this::datagram;
    private int receivedBytes;
    private long overflowDrops;
    private boolean open = true;
    private boolean readPending;
    private InetSocketAddress local;
    private InetSocketAddress remote;

    public TenantDatagramChannel(StackContext stack) {
        super(null);
        this.stack = stack;
    }

    @Override
    public DatagramChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && local != null;
    }

    @Override
    public boolean isConnected() {
        return remote != null;
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

    /** Datagrams dropped because the receive queue was full. */
    public long overflowDrops() {
        return overflowDrops;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new DatagramUnsafe();
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
    protected void doBind(SocketAddress localAddress) {
        InetSocketAddress wanted = stack.bindable(localAddress);
        int port = udp().bind(wanted.getPort(), receiver);
        local = new InetSocketAddress(wanted.getAddress(), port);
    }

    @Override
    protected void doDisconnect() {
        remote = null;
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        if (local != null) {
            udp().unbind(local.getPort(), receiver);
        }
        DatagramPacket packet;
        while ((packet = received.poll()) != null) {
            packet.release();
        }
        receivedBytes = 0;
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        deliver();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer out) throws Exception {
        for (;;) {
            Object message = out.current();
            if (message == null) {
                break;
            }
            try {
                send(message);
                out.remove();
            } catch (Exception failed) {
                out.remove(failed);
            }
        }
        stack.afterWork();
    }

    @Override
    protected Object filterOutboundMessage(Object message) {
        if (message instanceof DatagramPacket packet) {
            if (!(packet.recipient().getAddress() instanceof Inet4Address)) {
                throw new UnsupportedOperationException("only IPv4 recipients: " + packet.recipient());
            }
            return packet;
        }
        if (message instanceof ByteBuf) {
            return message;
        }
        if (message instanceof AddressedEnvelope<?, ?> envelope && envelope.content() instanceof ByteBuf content
                && envelope.recipient() instanceof InetSocketAddress recipient) {
            return new DatagramPacket(content, recipient);
        }
        throw new UnsupportedOperationException("unsupported message type: " + message.getClass().getName());
    }

    private void send(Object message) throws ClosedChannelException {
        if (local == null) {
            // sending before binding binds an ephemeral port, as sendto(2) does
            doBind(new InetSocketAddress(0));
        }
        ByteBuf content;
        InetSocketAddress to;
        if (message instanceof DatagramPacket packet) {
            content = packet.content();
            to = packet.recipient();
        } else if (remote != null) {
            content = (ByteBuf) message;
            to = remote;
        } else {
            throw new IllegalStateException("not connected: write DatagramPackets or connect first");
        }
        udp().send(local.getPort(), Ipv4Address.toInt((Inet4Address) to.getAddress()), to.getPort(), content,
                stack.now());
    }

    private void datagram(int sourceIp, int sourcePort, int destinationIp, int destinationPort, ByteBuf payload,
            long now) {
        InetSocketAddress sender = new InetSocketAddress(Ipv4Address.toInet(sourceIp), sourcePort);
        if (remote != null && !remote.equals(sender)) {
            payload.release();
            return;
        }
        if (receivedBytes + payload.readableBytes() > config.getReceiveBufferSize()) {
            overflowDrops++;
            payload.release();
            return;
        }
        receivedBytes += payload.readableBytes();
        received.add(new DatagramPacket(payload, local, sender));
        if (readPending) {
            deliver();
        }
    }

    /**
     * Fires queued datagrams into the pipeline: all of them with auto-read, else one per
     * {@code read()}. With auto-read the pipeline asks for more after read-complete.
     */
    private void deliver() {
        boolean delivered = false;
        DatagramPacket packet;
        while (readPending && (packet = received.poll()) != null) {
            receivedBytes -= packet.content().readableBytes();
            readPending = config.isAutoRead();
            delivered = true;
            pipeline().fireChannelRead(packet);
        }
        if (delivered) {
            pipeline().fireChannelReadComplete();
        }
    }

    private UdpLayer udp() {
        return stack.core().udp();
    }

    private final class DatagramUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            try {
                boolean wasActive = isActive();
                if (local == null) {
                    doBind(localAddress == null ? new InetSocketAddress(0) : localAddress);
                }
                remote = (InetSocketAddress) remoteAddress;
                promise.trySuccess();
                if (!wasActive && isActive()) {
                    pipeline().fireChannelActive();
                }
            } catch (Exception failed) {
                promise.tryFailure(failed);
                closeIfClosed();
            }
        }
    }

    // ---- multicast is not supported by tenant stacks yet ----

    private ChannelFuture noMulticast(ChannelPromise promise) {
        promise.setFailure(new UnsupportedOperationException("multicast is not supported by tenant stacks"));
        return promise;
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface networkInterface) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface networkInterface,
            ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source,
            ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface networkInterface) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface networkInterface,
            ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source,
            ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface networkInterface, InetAddress source,
            ChannelPromise promise) {
        return noMulticast(promise);
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source) {
        return noMulticast(newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        return noMulticast(promise);
    }
}
