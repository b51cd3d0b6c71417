package io.multistack.links.osgi;

import io.multistack.api.link.Link;
import io.multistack.config.ConfigValues;
import io.multistack.links.LinkConfig;
import io.multistack.links.LinkType;
import io.multistack.links.NativeLink;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * One native link per factory configuration {@code io.multistack.link~NAME}, registered as a
 * {@link Link} service with {@code link.name=NAME} and {@code link.type}. A rejected
 * configuration registers nothing (the log names file and key); an interface that is missing
 * or not permitted keeps the link registered and {@code down} while it retries, so consumers
 * can wire to it before the interface exists. An edit replaces the link (DS reactivates).
 */
@Component(configurationPid = LinkConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
public final class LinkComponent {
    /** Service property with the link's type ({@code tap} or {@code packet}). */
    public static final String TYPE = "link.type";
    private static final Logger LOG = System.getLogger("io.multistack.links");

    private NativeLink link;
    private ServiceRegistration<Link> registration;

    @Activate
    public LinkComponent(BundleContext context, Map<String, Object> properties) {
        String source = ConfigValues.source(properties);
        LinkConfig config;
        try {
            config = LinkConfig.parse(properties);
        } catch (IllegalArgumentException rejected) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}; no link", source, rejected.getMessage());
            return;
        }
        Set<String> unknown = ConfigValues.unknownKeys(properties, Set.of("type", "interface", "mtu"));
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: ignoring unknown keys {1}", source, unknown);
        }
        link = create(config).start();
        Hashtable<String, Object> serviceProperties = new Hashtable<>();
        serviceProperties.put(Link.NAME, config.name());
        serviceProperties.put(TYPE, config.type().key());
        serviceProperties.put("link.interface", config.interfaceName());
        registration = context.registerService(Link.class, link, serviceProperties);
        LOG.log(Level.INFO, "Link {0} configured from {1}: {2} {3}", config.name(), source, config.type().key(),
                config.interfaceName());
    }

    static NativeLink create(LinkConfig config) {
        return config.type() == LinkType.TAP
                ? NativeLink.tap(config.name(), config.interfaceName(), config.mtu(), PooledByteBufAllocator.DEFAULT)
                : NativeLink.packet(config.name(), config.interfaceName(), config.mtu(),
                        PooledByteBufAllocator.DEFAULT);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        if (link != null) {
            link.close();
            LOG.log(Level.INFO, "Link {0} closed", link.name());
        }
    }
}
