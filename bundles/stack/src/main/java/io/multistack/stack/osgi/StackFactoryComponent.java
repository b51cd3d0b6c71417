package io.multistack.stack.osgi;

import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantStackFactory;
import io.multistack.stack.core.Clock;
import io.multistack.stack.core.StackCore;
import io.multistack.stack.link.LinkTaps;
import io.netty.buffer.PooledByteBufAllocator;
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
    /** Until the TCP engine is wired in, TCP channels cannot be created. */
    private static final LoopTenantStack.TransportFactories NO_TCP_YET = new LoopTenantStack.TransportFactories() {
        @Override
        public io.netty.channel.ChannelFactory<? extends io.netty.channel.socket.ServerSocketChannel> servers(
                io.multistack.stack.transport.StackContext stack) {
            return () -> {
                throw new UnsupportedOperationException("TCP is not available in tenant stacks yet");
            };
        }

        @Override
        public io.netty.channel.ChannelFactory<? extends io.netty.channel.socket.SocketChannel> sockets(
                io.multistack.stack.transport.StackContext stack) {
            return () -> {
                throw new UnsupportedOperationException("TCP is not available in tenant stacks yet");
            };
        }
    };

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
        return new LoopTenantStack(settings, loops.next(), clock, core, new LinkTaps(), NO_TCP_YET);
    }

    @Deactivate
    void deactivate() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
