package io.multistack.stack.osgi;

import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantStackFactory;
import io.multistack.stack.core.Clock;
import io.multistack.stack.core.StackCore;
import io.multistack.stack.link.LinkTaps;
import io.multistack.stack.tcp.IsnGenerator;
import io.multistack.stack.tcp.TcpEngine;
import io.multistack.stack.tcp.TcpSettings;
import io.multistack.stack.transport.TcpBinding;
import java.security.SecureRandom;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Creates tenant stacks and owns the event loops they are pinned to: one loop per core,
 * tenants spread over them round-robin.
 */
@Component(service = TenantStackFactory.class)
public final class StackFactoryComponent implements TenantStackFactory {
    private final EventLoopGroup loops;
    private final Clock clock = Clock.system();

    @Activate
    public StackFactoryComponent() {
        loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("multistack-stack", true), LocalIoHandler.newFactory());
    }

    @Override
    public TenantStack create(TenantSettings settings) {
        StackCore core = new StackCore(settings, PooledByteBufAllocator.DEFAULT, settings.name().hashCode());
        TcpBinding tcp = new TcpBinding(core);
        // RFC 6528: the ISN key is secret and per tenant, so tenants cannot predict each other's sequence numbers
        tcp.engine(new TcpEngine(TcpSettings.defaults(), tcp, new IsnGenerator(new SecureRandom()),
                PooledByteBufAllocator.DEFAULT));
        core.tcp(tcp);
        EventLoop loop = loops.next();
        // delayed and reordered frames leave on the tenant's own loop
        return new LoopTenantStack(settings, loop, clock, core, tcp, new LinkTaps(loop));
    }

    @Deactivate
    void deactivate() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
