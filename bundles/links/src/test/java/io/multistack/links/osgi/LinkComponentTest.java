package io.multistack.links.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.link.Link;
import io.multistack.links.LinkState;
import io.multistack.links.NativeLink;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/** The component without a framework: a recording BundleContext stands in for OSGi. */
class LinkComponentTest {
    private record Registration(Object service, Dictionary<?, ?> properties, AtomicBoolean unregistered) {}

    private final List<Registration> registrations = new ArrayList<>();

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("registerService")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    AtomicBoolean unregistered = new AtomicBoolean();
                    registrations.add(new Registration(args[1], (Dictionary<?, ?>) args[2], unregistered));
                    return Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {org.osgi.framework.ServiceRegistration.class}, (p, m, a) -> {
                                if (m.getName().equals("unregister")) {
                                    unregistered.set(true);
                                    return null;
                                }
                                throw new UnsupportedOperationException(m.getName());
                            });
                });
    }

    private static Map<String, Object> file(String name, String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "io.multistack.link~" + name);
        properties.put("felix.fileinstall.filename", "file:/home/etc/io.multistack.link~" + name + ".cfg");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void missingInterfaceStillRegistersTheLinkDownAndRetrying() throws Exception {
        LinkComponent component = new LinkComponent(context(), file("wire9", "type", "packet", "interface", "mstnone9"));
        try {
            assertThat(registrations).hasSize(1);
            Registration registration = registrations.get(0);
            assertThat(registration.properties().get(Link.NAME)).isEqualTo("wire9");
            assertThat(registration.properties().get(LinkComponent.TYPE)).isEqualTo("packet");
            NativeLink link = (NativeLink) registration.service();
            long until = System.nanoTime() + 3_000_000_000L;
            while (link.linkState() != LinkState.DOWN && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(link.linkState()).isEqualTo(LinkState.DOWN);
            // ENODEV as root; EPERM when run without CAP_NET_RAW: either way named and explained.
            assertThat(link.lastError()).containsAnyOf("ENODEV", "EPERM");
        } finally {
            component.deactivate();
        }
        assertThat(registrations.get(0).unregistered()).isTrue();
        assertThat(((NativeLink) registrations.get(0).service()).linkState()).isEqualTo(LinkState.CLOSED);
    }

    @Test
    void rejectedFileRegistersNothing() {
        LinkComponent component = new LinkComponent(context(), file("bad", "type", "tun", "interface", "x0"));
        component.deactivate();
        assertThat(registrations).isEmpty();
    }

    @Test
    void linkListShowsStateAndLastError() {
        LinkComponent component = new LinkComponent(context(), file("wire8", "type", "packet", "interface", "mstnone8"));
        try {
            LinkCommands commands = new LinkCommands();
            commands.addLink((Link) registrations.get(0).service());
            String table = commands.list();
            assertThat(table.lines().findFirst().orElseThrow()).startsWith("NAME").contains("STATE", "MTU", "DROPS");
            assertThat(table).contains("wire8", "packet", "mstnone8");
        } finally {
            component.deactivate();
        }
    }
}
