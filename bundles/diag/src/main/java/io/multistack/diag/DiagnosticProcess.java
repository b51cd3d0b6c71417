package io.multistack.diag;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the diagnostic server processes share: bind TCP and UDP servers on the tenant's
 * own transport when started, close them when stopped. They have no settings.
 */
abstract class DiagnosticProcess implements ServerProcess {
    private static final Logger LOG = System.getLogger("io.multistack.diag");

    private final String tenant;
    private final String service;
    private final List<Channel> channels = new ArrayList<>();

    DiagnosticProcess(ProcessContext context, String service) throws InterruptedException {
        this.tenant = context.tenant();
        this.service = service;
        try {
            bind(context.stack().transport());
        } catch (InterruptedException | RuntimeException failed) {
            close();
            throw failed;
        }
        LOG.log(Level.INFO, "Tenant {0}: {1} started", tenant, service);
    }

    /** Binds the process's servers; called once, from the constructor. */
    abstract void bind(TenantTransport transport) throws InterruptedException;

    final void stream(TenantTransport transport, int port, Supplier<ChannelHandler> handler)
            throws InterruptedException {
        channels.add(new ServerBootstrap().group(transport.eventLoop()).channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 1024).childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(handler.get());
                    }
                }).bind(port).sync().channel());
    }

    final void datagrams(TenantTransport transport, int port, ChannelHandler handler) throws InterruptedException {
        channels.add(new Bootstrap().group(transport.eventLoop()).channelFactory(transport.datagramChannels())
                .handler(handler).bind(port).sync().channel());
    }

    final void close() {
        channels.forEach(channel -> channel.close().syncUninterruptibly());
        channels.clear();
    }

    @Override
    public final boolean reconfigure(java.util.Map<String, Object> settings) {
        return true; // nothing to configure
    }

    @Override
    public final void stop() {
        close();
        LOG.log(Level.INFO, "Tenant {0}: {1} stopped", tenant, service);
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public String status() {
        return channels.stream().map(c -> (c instanceof io.netty.channel.socket.DatagramChannel ? "udp " : "tcp ")
                + c.localAddress().toString().replaceFirst("^/", "")).reduce((a, b) -> a + ", " + b).orElse("-");
    }
}
