package io.multistack.dns;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dns} server process of one tenant: an authoritative name server on UDP and TCP
 * port 53 of the tenant's address, serving the zone files of the tenant's data folder. The
 * shared {@link ZoneWatcher} reports edits of the folder, so edited zones are served without a
 * restart and an idle tenant has no thread or timer of its own; changed settings restart the
 * instance (the default of {@link ServerProcess#reconfigure}). Started by {@link DnsProcessFactory}.
 */
final class DnsProcess implements ServerProcess {
    private static final Logger LOG = System.getLogger("io.multistack.dns");
    /** A TCP client silent this long is disconnected. */
    private static final long TCP_IDLE_MILLIS = 10_000;

    private final String tenant;
    private final DnsSettings settings;
    private final ZoneFolder zones;
    private final DnsCounters counters = new DnsCounters();
    private final QueryProcessor processor;
    private final AutoCloseable zoneWatch;
    private final List<Channel> channels = new ArrayList<>();
    /** Open TCP connections: closed with the server, not left to their idle timeout. */
    private final ChannelGroup connections;

    DnsProcess(ProcessContext context, ZoneWatcher zoneWatcher) throws InterruptedException {
        this.tenant = context.tenant();
        this.settings = DnsSettings.from(context.settings());
        this.zones = new ZoneFolder(context.dataFolder(), tenant);
        // watched before the first read, so an edit in between is not missed
        this.zoneWatch = zoneWatcher.watch(zones.folder(), this::pollSafely);
        zones.poll();
        this.processor = new QueryProcessor(zones::catalog, settings.maxUdpSize(), counters);
        this.connections = new DefaultChannelGroup("dns-" + tenant, context.stack().transport().eventLoop());
        try {
            bind(context.stack().transport());
        } catch (InterruptedException | RuntimeException failed) {
            stop();
            throw failed;
        }
        LOG.log(Level.INFO, "Tenant {0}: dns started on port {1} with {2} zones from {3}", tenant, settings.port(),
                zones.zones().size(), zones.folder());
    }

    private void bind(TenantTransport transport) throws InterruptedException {
        // the limiter is used on the tenant's event loop only, where both channels live
        RateLimiter limiter = new RateLimiter(settings.rateLimit(), System::nanoTime);
        QueryHandler datagrams = new QueryHandler(processor, limiter, counters, false);
        QueryHandler streams = new QueryHandler(processor, limiter, counters, true);
        channels.add(new Bootstrap().group(transport.eventLoop()).channelFactory(transport.datagramChannels())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                datagrams);
                    }
                }).bind(settings.port()).sync().channel());
        channels.add(new ServerBootstrap().group(transport.eventLoop()).channelFactory(transport.serverChannels())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        channel.pipeline().addLast(new IdleTimeout(TCP_IDLE_MILLIS), new TcpDnsQueryDecoder(),
                                new TcpDnsResponseEncoder(), streams);
                    }
                }).bind(settings.port()).sync().channel());
    }

    private void pollSafely() {
        try {
            zones.poll();
        } catch (RuntimeException unexpected) {
            LOG.log(Level.ERROR, "Tenant " + tenant + ": zone poll failed", unexpected);
        }
    }

    @Override
    public void stop() {
        try {
            zoneWatch.close();
        } catch (Exception cannot) {
            // the handle only removes a listener
        }
        channels.forEach(channel -> channel.close().syncUninterruptibly());
        channels.clear();
        connections.close().awaitUninterruptibly();
        LOG.log(Level.INFO, "Tenant {0}: dns stopped", tenant);
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String service() {
        return "dns";
    }

    @Override
    public String status() {
        return "udp+tcp port " + settings.port() + ", " + zones.zones().size() + " zones, " + counters;
    }

    /** The zones being served, for {@code dns:zones}. */
    List<Zone> zones() {
        return zones.zones();
    }

    /** The answer a query would get (without size limits), for {@code dns:query}. */
    Answer query(String name, DnsRecordType type) {
        return Authority.answer(zones.catalog(), name, type);
    }
}
