package io.multistack.example.greeting;

import io.multistack.api.process.ServerProcess;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code greeting} server process: a TCP server inside one tenant that answers every
 * connection with one line, {@code Hello from tenant NAME (greeting TEXT)}, and closes it.
 *
 * <p>Everything a server process needs is in the annotations:
 * <ul>
 * <li>{@code configurationPid = "io.multistack.process.greeting"}: the service name is
 *     {@code greeting}; the flow manager creates one configuration per tenant whose
 *     {@code services} key lists it, and declarative services creates one instance per
 *     configuration ({@code configurationPolicy = REQUIRE}: none without one).</li>
 * <li>the reference named {@code stack}: the flow manager sets its target to
 *     {@code (tenant=NAME)}, so this instance can only ever get its own tenant's stack.</li>
 * <li>{@code service = ServerProcess.class}: operators see the instance in {@code flow:table}.</li>
 * </ul>
 * A change to {@code etc/io.multistack.greeting~NAME.cfg} reaches the instance as a new
 * configuration; without a {@code @Modified} method, declarative services simply restarts it.
 */
@Component(configurationPid = "io.multistack.process.greeting", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = ServerProcess.class)
public final class GreetingProcess implements ServerProcess {

    /**
     * The instance's configuration, read through a typed view with the defaults of its settings.
     * {@code tenant} and {@code service} come from the flow manager; {@code port} and {@code text}
     * from the tenant's settings file, when it sets them.
     */
    @interface Settings {
        String tenant();

        String service() default "greeting";

        /** TCP port inside the tenant. */
        int port() default 7000;

        /** Shown in the greeting: lets a test tell two versions or two settings apart. */
        String text() default "v1";
    }

    private final Settings settings;
    private final AtomicLong greeted = new AtomicLong();
    private final Channel server;

    @Activate
    public GreetingProcess(@Reference(name = "stack") TenantStack stack, Settings settings)
            throws InterruptedException {
        this.settings = settings;
        String line = "Hello from tenant " + stack.name() + " (greeting " + settings.text() + ")\n";
        TenantTransport transport = stack.transport();
        // The tenant's own transport: its event loop and its channel types, bound to its address.
        this.server = new ServerBootstrap()
                .group(transport.eventLoop())
                .channelFactory(transport.serverChannels())
                .childHandler(new Greeter(line, greeted))
                .bind(settings.port()).sync().channel();
    }

    @Deactivate
    void deactivate() {
        server.close().syncUninterruptibly();
    }

    @Override
    public String tenant() {
        return settings.tenant();
    }

    @Override
    public String service() {
        return settings.service();
    }

    @Override
    public String status() {
        return "tcp " + server.localAddress().toString().replaceFirst("^/", "") + ", " + greeted.get() + " greeted";
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
