package io.multistack.flow;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.link.LinkInUseException;
import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantStackFactory;
import io.multistack.config.ConfigValues;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * One communication flow per tenant configuration: creates the tenant's stack, binds it to
 * its lower end (a VLAN of a trunk link, or a whole link) through the lower mapping, and publishes it as a {@link TenantStack} service
 * (property {@code tenant}) for the tenant's services. Edits apply live; an invalid edit is
 * logged and the running flow keeps its previous configuration; deletion removes the flow.
 *
 * <p>A factory component: {@link TenantFlows} makes one instance per configuration and hands
 * it the configuration and its edits, so that declarative services never looks the
 * configuration up itself (see there).
 */
@Component(factory = TenantFlowComponent.FACTORY, configurationPolicy = ConfigurationPolicy.IGNORE, service = {})
public final class TenantFlowComponent {
    /** The {@code component.factory} of tenant flows. */
    static final String FACTORY = "io.multistack.flow.tenant";

    private static final Logger LOG = System.getLogger("io.multistack.flow");

    private final BundleContext context;
    private final LowerMapping lowerMapping;
    private final TenantStackFactory stacks;
    private TenantConfig.Flow flow;
    private TenantStack stack;
    private Device device;
    private ServiceRegistration<TenantStack> registration;

    @Activate
    public TenantFlowComponent(BundleContext context, @Reference LowerMapping lowerMapping,
            @Reference TenantStackFactory stacks) {
        this.context = context;
        this.lowerMapping = lowerMapping;
        this.stacks = stacks;
    }

    /** The tenant's configuration, first or edited (from {@link TenantFlows}, one call at a time). */
    void configure(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        if (stack == null) {
            return;
        }
        registration.unregister();
        device.close();
        stack.close();
        LOG.log(Level.INFO, "Tenant {0} removed ({1} freed)", flow.settings().name(), flow.lowerEnd());
        stack = null;
    }

    private void apply(Map<String, Object> properties) {
        String source = ConfigValues.source(properties);
        TenantConfig.Flow next;
        try {
            next = TenantConfig.parse(properties);
        } catch (IllegalArgumentException invalid) {
            reject(source, invalid.getMessage());
            return;
        }
        Set<String> unknown = ConfigValues.unknownKeys(properties, TenantConfig.KEYS);
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: ignoring unknown keys {1} (known: vlan, trunk, link, address, gateway, mac, services)",
                    source, unknown);
        }
        try {
            if (stack == null) {
                start(next);
            } else {
                change(next);
            }
        } catch (VlanInUseException taken) {
            reject(source, "key 'vlan': " + taken.getMessage());
        } catch (LinkInUseException taken) {
            reject(source, "key '" + (next.wholeLink() ? "link" : "trunk") + "': " + taken.getMessage());
        }
    }

    private void start(TenantConfig.Flow next) throws VlanInUseException, LinkInUseException {
        TenantSettings settings = next.settings();
        TenantStack created = stacks.create(settings);
        try {
            device = lowerMapping.attach(next.link(), next.vlan(), settings.name(), created);
        } catch (VlanInUseException | LinkInUseException | RuntimeException failed) {
            created.close();
            throw failed;
        }
        stack = created;
        flow = next;
        stack.up(device);
        registration = context.registerService(TenantStack.class, stack, serviceProperties(next));
        LOG.log(Level.INFO, "Tenant {0} up: {1}, {2}, MAC {3}", settings.name(), next.lowerEnd(), settings.cidr(),
                settings.mac());
    }

    private void change(TenantConfig.Flow next) throws VlanInUseException, LinkInUseException {
        if (next.equals(flow)) {
            return;
        }
        if (next.vlan() != flow.vlan() || !next.link().equals(flow.link())) {
            // take the new lower end before letting go of the old one, so a clash changes nothing
            Device moved = lowerMapping.attach(next.link(), next.vlan(), next.settings().name(), stack);
            device.close();
            device = moved;
            stack.reconfigure(next.settings());
            stack.up(moved);
        } else {
            stack.reconfigure(next.settings());
        }
        flow = next;
        registration.setProperties(serviceProperties(next));
        LOG.log(Level.INFO, "Tenant {0} changed: {1}, {2}, MAC {3}", next.settings().name(), next.lowerEnd(),
                next.settings().cidr(), next.settings().mac());
    }

    private void reject(String source, String why) {
        if (stack == null) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}", source, why);
        } else {
            LOG.log(Level.ERROR, "Rejected {0}: {1}; tenant {2} keeps running with its previous configuration",
                    source, why, flow.settings().name());
        }
    }

    private static Dictionary<String, Object> serviceProperties(TenantConfig.Flow flow) {
        TenantSettings settings = flow.settings();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("link", flow.link());
        properties.put(TenantStack.TENANT, settings.name());
        properties.put(TenantStack.VLAN, settings.vlan());
        properties.put("address", settings.cidr());
        properties.put("services", settings.services().toArray(String[]::new));
        return properties;
    }
}
