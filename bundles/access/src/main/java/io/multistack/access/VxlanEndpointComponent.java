package io.multistack.access;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.TunnelRow;
import io.multistack.api.link.Link;
import io.multistack.wire.Ipv4Address;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.multistack.config.ConfigValues;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The VXLAN tunnel endpoint (RFC 7348): a UDP socket (native epoll when available) whose
 * packets are switched by the access table onto the in-memory trunk, and back. PID
 * {@code io.multistack.access.vxlan}, key {@code listen} (default {@code 0.0.0.0:4789}).
 */
@Component(configurationPid = VxlanEndpointComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = AccessTable.class)
public final class VxlanEndpointComponent implements AccessTable {
    static final String PID = "io.multistack.access.vxlan";
    static final String DEFAULT_LISTEN = "0.0.0.0:4789";
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final TunnelTable table;
    private final Link trunk;
    private final EventLoopGroup loop;
    private final TunnelSwitch tunnelSwitch;
    private volatile Channel channel;
    private volatile String listen = DEFAULT_LISTEN;

    @Activate
    public VxlanEndpointComponent(@Reference TunnelTable table,
            @Reference(target = "(&(link.name=memory)(link.side=access))") Link trunk,
            Map<String, Object> properties) {
        this.table = table;
        this.trunk = trunk;
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("multistack-vxlan", true),
                UdpTransport.ioHandlerFactory());
        this.tunnelSwitch = new TunnelSwitch(table, trunk, this::sendToSite);
        trunk.receiver(tunnelSwitch);
        bind(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        String wanted = listenOf(properties);
        if (!wanted.equals(listen) || channel == null) {
            closeChannel();
            bind(properties);
        }
    }

    @Deactivate
    void deactivate() {
        trunk.receiver(null);
        closeChannel();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public String listenAddress() {
        return listen + (channel == null ? " (not bound)" : "");
    }

    @Override
    public List<TunnelRow> tunnels() {
        return table.all().stream().map(Tunnel::row).toList();
    }

    @Override
    public long unknownTunnelDrops() {
        return tunnelSwitch.unknownTunnelDrops();
    }

    @Override
    public long malformedDrops() {
        return tunnelSwitch.malformedDrops();
    }

    private void bind(Map<String, Object> properties) {
        listen = listenOf(properties);
        InetSocketAddress address;
        try {
            address = parseListen(listen);
        } catch (IllegalArgumentException bad) {
            LOG.log(Level.ERROR, "Rejected {0}: key ''listen'': {1}", ConfigValues.source(properties), bad.getMessage());
            return;
        }
        try {
            channel = new Bootstrap().group(loop).channelFactory(UdpTransport.channelFactory())
                    .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .handler(new FromSites()).bind(address).sync().channel();
            LOG.log(Level.INFO, "VXLAN endpoint listening on {0} ({1})", listen, UdpTransport.name());
        } catch (Exception bindFailed) {
            channel = null;
            LOG.log(Level.ERROR, "VXLAN endpoint cannot listen on {0}: {1}", listen, bindFailed.toString());
        }
    }

    private void closeChannel() {
        Channel open = channel;
        channel = null;
        if (open != null) {
            open.close().syncUninterruptibly();
        }
    }

    private void sendToSite(ByteBuf packet, InetSocketAddress to) {
        Channel out = channel;
        if (out == null) {
            packet.release();
            return;
        }
        out.writeAndFlush(new DatagramPacket(packet, to), out.voidPromise());
    }

    static String listenOf(Map<String, Object> properties) {
        Object value = properties.get("listen");
        return value == null || value.toString().isBlank() ? DEFAULT_LISTEN : value.toString().trim();
    }

    static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not address:port");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        int host = Ipv4Address.parse(text.substring(0, colon));
        return new InetSocketAddress(Ipv4Address.toInet(host), port);
    }

    /** Packets from the sites, on the endpoint's I/O thread. */
    private final class FromSites extends SimpleChannelInboundHandler<DatagramPacket> {
        FromSites() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!(packet.sender().getAddress() instanceof Inet4Address sender)) {
                packet.release();
                return;
            }
            tunnelSwitch.fromSite(Ipv4Address.toInt(sender), packet.content());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(Level.WARNING, "VXLAN endpoint: {0}", cause.toString());
        }
    }
}
