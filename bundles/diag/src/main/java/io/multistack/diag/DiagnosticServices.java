package io.multistack.diag;

import io.multistack.api.stack.TenantStack;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The diagnostic server processes, per tenant, on the tenant's own stack: {@code echo}
 * (TCP and UDP port 7), {@code discard} (TCP and UDP port 9) and {@code chargen} (TCP port
 * 19), each started when the tenant's {@code services} key lists it and stopped when it no
 * longer does, without touching the tenant's other services or other tenants.
 */
@Component(immediate = true, service = {})
public final class DiagnosticServices {
    static final Set<String> NAMES = Set.of("echo", "discard", "chargen");
    private static final Logger LOG = System.getLogger("io.multistack.diag");

    /** Running channels per tenant and service; touched under this object's lock. */
    private final Map<TenantStack, Map<String, List<Channel>>> running = new HashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindStack(TenantStack stack, Map<String, Object> properties) {
        reconcile(stack, wanted(properties));
    }

    synchronized void updatedStack(TenantStack stack, Map<String, Object> properties) {
        reconcile(stack, wanted(properties));
    }

    synchronized void unbindStack(TenantStack stack) {
        reconcile(stack, Set.of());
        running.remove(stack);
    }

    @Deactivate
    synchronized void deactivate() {
        for (TenantStack stack : List.copyOf(running.keySet())) {
            reconcile(stack, Set.of());
        }
        running.clear();
    }

    private void reconcile(TenantStack stack, Set<String> wanted) {
        Map<String, List<Channel>> services = running.computeIfAbsent(stack, s -> new HashMap<>());
        for (String name : List.copyOf(services.keySet())) {
            if (!wanted.contains(name)) {
                services.remove(name).forEach(Channel::close);
                LOG.log(Level.INFO, "Tenant {0}: {1} stopped", stack.name(), name);
            }
        }
        for (String name : wanted) {
            if (!services.containsKey(name)) {
                services.put(name, start(stack, name));
            }
        }
    }

    private List<Channel> start(TenantStack stack, String name) {
        TenantTransport transport = stack.transport();
        List<Channel> channels = new ArrayList<>();
        try {
            switch (name) {
                case "echo" -> {
                    channels.add(stream(transport, 7, Echo.Stream::new));
                    channels.add(datagrams(transport, 7, new Echo.Datagrams()));
                }
                case "discard" -> {
                    Discard discard = new Discard();
                    channels.add(stream(transport, 9, () -> discard));
                    channels.add(datagrams(transport, 9, discard));
                }
                case "chargen" -> channels.add(stream(transport, 19, Chargen::new));
                default -> throw new IllegalArgumentException(name);
            }
            LOG.log(Level.INFO, "Tenant {0}: {1} started", stack.name(), name);
        } catch (RuntimeException | InterruptedException failed) {
            channels.forEach(Channel::close);
            channels.clear();
            LOG.log(Level.ERROR, "Tenant {0}: {1} cannot start: {2}", stack.name(), name, failed.getMessage());
        }
        return channels;
    }

    private static Channel stream(TenantTransport transport, int port, Supplier<ChannelHandler> handler)
            throws InterruptedException {
        return new ServerBootstrap().group(transport.eventLoop()).channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 1024).childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(handler.get());
                    }
                }).bind(port).sync().channel();
    }

    private static Channel datagrams(TenantTransport transport, int port, ChannelHandler handler)
            throws InterruptedException {
        return new Bootstrap().group(transport.eventLoop()).channelFactory(transport.datagramChannels())
                .handler(handler).bind(port).sync().channel();
    }

    static Set<String> wanted(Map<String, Object> properties) {
        Object value = properties.get("services");
        Set<String> names = new TreeSet<>();
        if (value instanceof String[] array) {
            names.addAll(List.of(array));
        } else if (value instanceof String text) {
            names.addAll(List.of(text.split(",")));
        }
        names.removeIf(name -> !NAMES.contains(name.trim()));
        return names;
    }
}
