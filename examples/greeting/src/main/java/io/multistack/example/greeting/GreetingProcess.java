package io.multistack.example.greeting;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code greeting} server process: a TCP server inside one tenant that answers every
 * connection with one line, {@code Hello from tenant NAME (greeting TEXT)}, and closes it.
 *
 * <p>A server process is two things:
 * <ul>
 * <li>a {@link ServerProcessFactory} service with the property {@code service=greeting}: the
 *     name tenants put in their {@code services} key. This component is that service; the
 *     bundle registers it once, whatever the number of tenants.</li>
 * <li>the {@link ServerProcess} that {@link #start} returns for one tenant. It gets that
 *     tenant's stack and nothing else from the {@link ProcessContext}, binds its server there,
 *     and is stopped when the tenant, its listing of the service or this bundle goes.</li>
 * </ul>
 * Settings come from {@code etc/io.multistack.greeting~NAME.cfg}: {@code port} (default 7000)
 * and {@code text} (default {@code v1}). This example does not apply an edit itself: the
 * default {@link ServerProcess#reconfigure} has the flow manager restart the instance.
 */
@Component(service = ServerProcessFactory.class, property = "service=greeting")
public final class GreetingProcess implements ServerProcessFactory {

    @Override
    public ServerProcess start(ProcessContext context) throws InterruptedException {
        return new Greeting(context);
    }

    /** One tenant's greeting server. */
    static final class Greeting implements ServerProcess {
        private final String tenant;
        private final AtomicLong greeted = new AtomicLong();
        private final Channel server;

        Greeting(ProcessContext context) throws InterruptedException {
            this.tenant = context.tenant();
            Map<String, Object> settings = context.settings();
            int port = Integer.parseInt(String.valueOf(settings.getOrDefault("port", "7000")).strip());
            String text = String.valueOf(settings.getOrDefault("text", "v1"));
            String line = "Hello from tenant " + tenant + " (greeting " + text + ")\n";
            TenantTransport transport = context.stack().transport();
            // The tenant's own transport: its event loop and its channel types, bound to its address.
            this.server = new ServerBootstrap()
                    .group(transport.eventLoop())
                    .channelFactory(transport.serverChannels())
                    .childHandler(new Greeter(line, greeted))
                    .bind(port).sync().channel();
        }

        @Override
        public String tenant() {
            return tenant;
        }

        @Override
        public String service() {
            return "greeting";
        }

        @Override
        public String status() {
            return "tcp " + server.localAddress().toString().replaceFirst("^/", "") + ", " + greeted.get() + " greeted";
        }

        @Override
        public void stop() {
            server.close().syncUninterruptibly();
        }
    }

    /** Writes the line to each new connection, then closes it. One instance serves all connections. */
    @Sharable
    static final class Greeter extends ChannelInboundHandlerAdapter {
        private final String line;
        private final AtomicLong greeted;

        Greeter(String line, AtomicLong greeted) {
            this.line = line;
            this.greeted = greeted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            greeted.incrementAndGet();
            ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            io.netty.util.ReferenceCountUtil.release(message); // whatever the client says is ignored
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
