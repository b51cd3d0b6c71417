package io.multistack.access;

import static io.multistack.api.flow.LowerMapping.MEMORY_TRUNK;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.TunnelRow;
import io.multistack.wire.Ipv4Address;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.multistack.api.loop.DataPathLoops;
import io.multistack.config.ConfigValues;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The VXLAN tunnel endpoint (RFC 7348): UDP sockets (native epoll when available) whose
 * packets are switched by the access table onto a trunk link, and back. With epoll there is
 * one socket per data-path loop on the same port (SO_REUSEPORT), and the kernel steers each
 * packet to the socket of the loop that runs its tenant ({@link ReuseportSteering}), so it is
 * read, handled and answered on one thread; with NIO, one socket on the first loop. With
 * epoll and native access, each socket is read and written by our own recvmmsg and sendmmsg
 * ({@link EndpointSocket}, nothing allocated per datagram) and Netty only holds it open;
 * otherwise Netty reads and writes it ({@link FromSites}). PID
 * {@code io.multistack.access.vxlan}, keys {@code listen} (default {@code 0.0.0.0:4789};
 * {@code off} for an appliance that is only the server device) and {@code trunk} (default
 * {@code memory}, the in-memory trunk to this appliance's own demux; or the name of a link
 * towards a separate server device).
 */
@Component(configurationPid = VxlanEndpointComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = AccessTable.class)
public final class VxlanEndpointComponent implements AccessTable {
    static final String PID = "io.multistack.access.vxlan";
    static final String DEFAULT_LISTEN = "0.0.0.0:4789";
    static final String OFF = "off";
    static final Set<String> KEYS = Set.of("listen", "trunk", "gro");
    private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final BundleContext context;
    private final TunnelTable table;
    private final List<EventLoop> loops;
    private final boolean epoll;
    private final TunnelSwitch tunnelSwitch;
    private final SiteSenders toSites;
    private final LongAdder sendErrors = new LongAdder();
    private volatile List<Channel> channels = List.of();
    /** Our own readers and writers of {@link #channels}, one each; empty where Netty reads and writes them. */
    private volatile List<EndpointSocket> ownSockets = List.of();
    private volatile String listen = DEFAULT_LISTEN;
    /** UDP GRO asked of the sockets ({@code gro}, default true): merged bursts arrive in one slot. */
    private volatile boolean gro;
    private volatile TrunkAttachment trunk;

    @Activate
    public VxlanEndpointComponent(BundleContext context, @Reference TunnelTable table,
            @Reference DataPathLoops dataPathLoops, Map<String, Object> properties) {
        this.context = context;
        this.table = table;
        this.epoll = dataPathLoops.nativeEpoll();
        // NIO cannot share a port between sockets: one socket, on the first loop
        this.loops = epoll ? dataPathLoops.loops() : dataPathLoops.loops().subList(0, 1);
        // a sender per socket, on its loop, so that its bursts run where the socket writes
        this.toSites = new SiteSenders(loops, UdpTransport.segmenter(epoll));
        this.tunnelSwitch = new TunnelSwitch(table, toSites);
        warnUnknownKeys(properties);
        attachTrunk(properties);
        bind(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        warnUnknownKeys(properties);
        String wantedTrunk = trunkOf(properties);
        if (wantedTrunk != null && !wantedTrunk.equals(trunk.linkName())) {
            trunk.close();
            attachTrunk(properties);
        }
        String wanted = listenOf(properties);
        if (!wanted.equals(listen) || (channels.isEmpty() && !OFF.equals(wanted)) || groOf(properties) != gro) {
            closeChannel();
            bind(properties);
        }
    }

    @Deactivate
    void deactivate() {
        trunk.close();
        closeChannel();
    }

    private static void warnUnknownKeys(Map<String, Object> properties) {
        Set<String> unknown = ConfigValues.unknownKeys(properties, KEYS);
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: ignoring unknown keys {1} (known: listen, trunk, gro)",
                    ConfigValues.source(properties), unknown);
        }
    }

    /** The trunk key, or {@code null} (logged) when it is not a link name: the current trunk stays. */
    private static String trunkOf(Map<String, Object> properties) {
        Object value = properties.get("trunk");
        String name = value == null || value.toString().isBlank() ? MEMORY_TRUNK : value.toString().trim();
        if (!LINK_NAME.matcher(name).matches()) {
            LOG.log(Level.ERROR, "Rejected {0}: key ''trunk'': ''{1}'' is not a link name", 
                    ConfigValues.source(properties), name);
            return null;
        }
        return name;
    }

    private void attachTrunk(Map<String, Object> properties) {
        String name = trunkOf(properties);
        trunk = new TrunkAttachment(context, name == null ? MEMORY_TRUNK : name, tunnelSwitch);
        trunk.open();
    }

    @Override
    public String listenAddress() {
        return listen + (channels.isEmpty() && !OFF.equals(listen) ? " (not bound)" : "");
    }

    @Override
    public String trunk() {
        return trunk.linkName();
    }

    @Override
    public String trunkState() {
        return trunk.state();
    }

    @Override
    public long noTrunkDrops() {
        return tunnelSwitch.noTrunkDrops();
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
        gro = groOf(properties);
        if (OFF.equals(listen)) {
            LOG.log(Level.INFO, "VXLAN endpoint off (listen = off): this appliance terminates no tunnels");
            return;
        }
        InetSocketAddress address;
        try {
            address = parseListen(listen);
        } catch (IllegalArgumentException bad) {
            LOG.log(Level.ERROR, "Rejected {0}: key ''listen'': {1}", ConfigValues.source(properties), bad.getMessage());
            return;
        }
        String noOwnIo = UdpTransport.ownIoUnavailable(epoll);
        List<Channel> bound = new ArrayList<>(loops.size());
        try {
            for (int i = 0; i < loops.size(); i++) {
                SiteSender sender = toSites.get(i);
                Bootstrap bootstrap = UdpTransport.configure(new Bootstrap().group(loops.get(i))
                        .channelFactory(UdpTransport.channelFactory(epoll)), epoll).handler(new FromSites(sender))
                        .option(ChannelOption.AUTO_READ, noOwnIo != null); // ours read from the first datagram
                if (loops.size() > 1) {
                    UdpTransport.sharedPort(bootstrap);
                }
                Channel socket = bootstrap.bind(address).sync().channel();
                bound.add(socket);
                // port 0 picks a port for the first socket; the others share it
                address = (InetSocketAddress) socket.localAddress();
            }
        } catch (Exception bindFailed) {
            bound.forEach(socket -> socket.close().syncUninterruptibly());
            LOG.log(Level.ERROR, "VXLAN endpoint cannot listen on {0}: {1}", listen, bindFailed.toString());
            return;
        }
        String steering = "";
        if (bound.size() > 1) {
            try {
                UdpTransport.steerByInnerDestination(bound.get(0), bound.size());
                steering = ", steered to the tenant's loop";
            } catch (IOException | RuntimeException | LinkageError notSteered) { // LinkageError: no native access
                // still correct, only slower: a packet may then be read on a loop that is not its tenant's
                steering = ", spread by flow hash";
                LOG.log(Level.WARNING, "VXLAN endpoint: packets are not steered to their tenants'' loops: {0}",
                        notSteered.toString());
            }
        }
        List<EndpointSocket> own = List.of();
        if (noOwnIo == null) {
            try {
                own = openOwnSockets(bound);
            } catch (IOException | RuntimeException | LinkageError notStarted) {
                noOwnIo = notStarted.toString();
            }
        }
        for (int i = 0; i < bound.size(); i++) {
            if (own.isEmpty()) {
                toSites.get(i).channel(bound.get(i));
            } else {
                toSites.get(i).socket(own.get(i).sender());
                own.get(i).onReads(toSites.get(i)); // answers to a read leave at its end, without a task
            }
        }
        ownSockets = own;
        if (noOwnIo != null) {
            bound.forEach(socket -> socket.config().setAutoRead(true));
            LOG.log(Level.WARNING,
                    "VXLAN endpoint: Netty reads and writes the sockets (a DatagramPacket per datagram): {0}", noOwnIo);
        }
        channels = List.copyOf(bound);
        LOG.log(Level.INFO, "VXLAN endpoint listening on {0} ({1}{2}, {3} socket(s){4})", listen,
                UdpTransport.name(epoll, noOwnIo == null), mergedReads() ? ", UDP GRO" : "", bound.size(), steering);
    }

    /** Our own reader and writer per socket, or none: the ones opened are closed again if one cannot open. */
    private List<EndpointSocket> openOwnSockets(List<Channel> sockets) throws IOException {
        List<EndpointSocket> opened = new ArrayList<>(sockets.size());
        try {
            for (Channel socket : sockets) {
                opened.add(UdpTransport.open(socket, tunnelSwitch, this::sendFailed, gro));
            }
        } catch (IOException | RuntimeException | Error failed) {
            opened.forEach(EndpointSocket::close);
            throw failed;
        }
        return List.copyOf(opened);
    }

    /** A message our own sender dropped because the kernel refused it: counted, logged sparingly. */
    private void sendFailed(int errno) {
        sendError("sendmmsg: " + SocketCalls.errnoName(errno));
    }

    private void sendError(Object cause) {
        sendErrors.increment();
        long errors = sendErrors.sum();
        if (Long.bitCount(errors) == 1) {
            LOG.log(Level.WARNING, "VXLAN endpoint: {0} ({1} errors so far; dropped on the ring: {2}, unsent: {3})",
                    String.valueOf(cause), errors, toSites.overflowDrops(), toSites.unsentDrops());
        }
    }

    /** Sockets read and written by our own {@link EndpointSocket}s (the rest, if any, Netty reads and writes). */
    /** Whether the sockets read runs the kernel merged (UDP GRO asked for and granted). */
    boolean mergedReads() {
        List<EndpointSocket> own = ownSockets;
        return !own.isEmpty() && own.stream().allMatch(reader -> reader.receiver().coalescing());
    }

    int ownSockets() {
        return ownSockets.size();
    }

    /** The senders towards the sites, one per socket. */
    SiteSenders toSites() {
        return toSites;
    }

    /** Messages the kernel refused (ours or Netty's sends), each dropped. */
    long sendErrors() {
        return sendErrors.sum();
    }

    private void closeChannel() {
        for (int i = 0; i < toSites.size(); i++) {
            toSites.get(i).channel(null); // what is queued from now on is released unsent
        }
        List<EndpointSocket> own = ownSockets;
        ownSockets = List.of();
        own.forEach(EndpointSocket::close); // before the channels: nothing reaches the switch from a closing socket
        List<Channel> open = channels;
        channels = List.of();
        open.forEach(socket -> socket.close().syncUninterruptibly());
    }

    /**
     * The {@code gro} key: true when absent (a NIC's GRO merges a site's bursts only for a
     * socket that asks); false when not a flag (logged), the mode that needs nothing of the kernel.
     */
    static boolean groOf(Map<String, Object> properties) {
        try {
            return ConfigValues.flagOr(properties, "gro", true);
        } catch (IllegalArgumentException bad) {
            LOG.log(Level.WARNING, "{0}: {1}; UDP GRO off", ConfigValues.source(properties), bad.getMessage());
            return false;
        }
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

    /**
     * The Netty side of one socket, on its I/O thread, where Netty reads and writes the
     * socket (NIO, no native access; elsewhere {@link EndpointSocket} does): reads packets
     * from the sites, resumes the sender when the socket is writable again and counts
     * failed sends.
     */
    private final class FromSites extends SimpleChannelInboundHandler<DatagramPacket> {
        /** The sender writing to this handler's socket. */
        private final SiteSender toSites;
        /**
         * The last sender and its address as an int: a site sends in bursts, and
         * {@code Inet4Address.equals} compares without the array copy that
         * {@code getAddress()} makes for every packet.
         */
        private Inet4Address lastSender;
        private int lastRemote;

        FromSites(SiteSender toSites) {
            super(false);
            this.toSites = toSites;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (!(packet.sender().getAddress() instanceof Inet4Address sender)) {
                packet.release();
                return;
            }
            if (packet.content().readableBytes() >= UdpTransport.MAX_DATAGRAM) {
                // fills its slot: taken as longer and cut by the kernel (Netty does not pass on MSG_TRUNC)
                tunnelSwitch.truncated(packet.content());
                return;
            }
            if (!sender.equals(lastSender)) {
                lastSender = sender;
                lastRemote = Ipv4Address.toInt(sender);
            }
            tunnelSwitch.fromSite(lastRemote, packet.content());
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                toSites.writable();
            }
            ctx.fireChannelWritabilityChanged();
        }

        /** Mostly a packet the kernel refused (e.g. no route to a site): logged sparingly, counted. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sendError(cause);
        }
    }
}
