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
import io.multistack.api.loop.DataPathLoops;
import java.security.SecureRandom;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Creates tenant stacks, each pinned to the data-path loop that its MAC address selects: the
 * loop on which the VXLAN endpoint reads the packets addressed to it.
 */
@Component(service = TenantStackFactory.class)
public final class StackFactoryComponent implements TenantStackFactory {
    private final DataPathLoops loops;
    private final Clock clock = Clock.system();

    @Activate
    public StackFactoryComponent(@Reference DataPathLoops loops) {
        this.loops = loops;
    }

    @Override
    public TenantStack create(TenantSettings settings) {
        StackCore core = new StackCore(settings, PooledByteBufAllocator.DEFAULT, settings.name().hashCode());
        TcpBinding tcp = new TcpBinding(core);
        // RFC 6528: the ISN key is secret and per tenant, so tenants cannot predict each other's sequence numbers
        tcp.engine(new TcpEngine(TcpSettings.defaults(), tcp, new IsnGenerator(new SecureRandom()),
                PooledByteBufAllocator.DEFAULT));
        core.tcp(tcp);
        // the loop whose socket the kernel steers this tenant's packets to (DataPathLoops.loopIndex)
        EventLoop loop = loops.loopFor(settings.mac());
        // delayed and reordered frames leave on the tenant's own loop
        return new LoopTenantStack(settings, loop, clock, core, tcp, new LinkTaps(loop));
    }
}
