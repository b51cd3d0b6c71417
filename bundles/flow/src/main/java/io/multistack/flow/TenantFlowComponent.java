package io.multistack.flow;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.VlanInUseException;
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
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One communication flow per tenant configuration: creates the tenant's stack, binds it to
 * its VLAN through the lower mapping, and publishes it as a {@link TenantStack} service
 * (property {@code tenant}) for the tenant's services. Edits apply live; an invalid edit is
 * logged and the running flow keeps its previous configuration; deletion removes the flow.
 */
@Component(configurationPid = TenantConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
public final class TenantFlowComponent {
    private static final Logger LOG = System.getLogger("io.multistack.flow");

    private final BundleContext context;
    private final LowerMapping lowerMapping;
    private final TenantStackFactory stacks;
    private TenantSettings settings;
    private TenantStack stack;
    private Device device;
    private ServiceRegistration<TenantStack> registration;

    @Activate
    public TenantFlowComponent(BundleContext context, @Reference LowerMapping lowerMapping,
            @Reference TenantStackFactory stacks, Map<String, Object> properties) {
        this.context = context;
        this.lowerMapping = lowerMapping;
        this.stacks = stacks;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
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
        LOG.log(Level.INFO, "Tenant {0} removed (VLAN {1} freed)", settings.name(), settings.vlan());
        stack = null;
    }

    private void apply(Map<String, Object> properties) {
        String source = ConfigValues.source(properties);
        TenantSettings next;
        try {
            next = TenantConfig.parse(properties);
        } catch (IllegalArgumentException invalid) {
            reject(source, invalid.getMessage());
            return;
        }
        Set<String> unknown = ConfigValues.unknownKeys(properties, TenantConfig.KEYS);
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: ignoring unknown keys {1} (known: vlan, address, gateway, mac, services)",
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
        }
    }

    private void start(TenantSettings next) throws VlanInUseException {
        TenantStack created = stacks.create(next);
        try {
            device = lowerMapping.attach(next.vlan(), next.name(), created);
        } catch (VlanInUseException | RuntimeException failed) {
            created.close();
            throw failed;
        }
        stack = created;
        settings = next;
        stack.up(device);
        registration = context.registerService(TenantStack.class, stack, serviceProperties(next));
        LOG.log(Level.INFO, "Tenant {0} up: VLAN {1}, {2}, MAC {3}", next.name(), next.vlan(), next.cidr(), next.mac());
    }

    private void change(TenantSettings next) throws VlanInUseException {
        if (next.equals(settings)) {
            return;
        }
        if (next.vlan() != settings.vlan()) {
            // take the new VLAN before letting go of the old one, so a clash changes nothing
            Device moved = lowerMapping.attach(next.vlan(), next.name(), stack);
            device.close();
            device = moved;
            stack.reconfigure(next);
            stack.up(moved);
        } else {
            stack.reconfigure(next);
        }
        settings = next;
        registration.setProperties(serviceProperties(next));
        LOG.log(Level.INFO, "Tenant {0} changed: VLAN {1}, {2}, MAC {3}", next.name(), next.vlan(), next.cidr(),
                next.mac());
    }

    private void reject(String source, String why) {
        if (stack == null) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}", source, why);
        } else {
            LOG.log(Level.ERROR, "Rejected {0}: {1}; tenant {2} keeps running with its previous configuration",
                    source, why, settings.name());
        }
    }

    private static Dictionary<String, Object> serviceProperties(TenantSettings settings) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(TenantStack.TENANT, settings.name());
        properties.put(TenantStack.VLAN, settings.vlan());
        properties.put("address", settings.cidr());
        properties.put("services", settings.services().toArray(String[]::new));
        return properties;
    }
}
