package io.multistack.flow;

import io.multistack.api.process.ServerProcesses;
import io.multistack.api.stack.TenantStack;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The upper mapping {@code [stack ⇔ server processes]}: for every tenant and every service its
 * {@code services} key lists, one factory configuration {@code io.multistack.process.SERVICE~TENANT}
 * whose stack target is that tenant alone. Declarative services does the rest: the instance runs
 * while the tenant, the configuration and a bundle providing the service are all there, and
 * stops when any of them goes. Per-tenant settings ({@code etc/io.multistack.SERVICE~TENANT.cfg})
 * are merged in and follow edits live.
 *
 * <p>Adding a tenant must not cost more with every tenant already there: the mapping remembers
 * which settings files exist (from ConfigurationAdmin's events) instead of searching all
 * configurations for one on every add, and finds the configurations it owns by name.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class UpperMapping implements ConfigurationListener {
    private static final Logger LOG = System.getLogger("io.multistack.flow");
    /** Keys of a settings file that belong to the mapping itself and cannot be overridden. */
    private static final Set<String> RESERVED = Set.of(ServerProcesses.TENANT, ServerProcesses.SERVICE,
            ServerProcesses.DATA_FOLDER, ServerProcesses.LOG_FOLDER, ServerProcesses.STACK_REFERENCE + ".target");

    private final ConfigurationAdmin configurationAdmin;
    private final Path home;
    /** Configuration work happens off the SCR thread, one change at a time, in order. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            runnable -> new Thread(runnable, "multistack-upper-mapping"));
    /** What each tenant lists; touched on the worker thread only. */
    private final Map<String, Set<String>> wanted = new HashMap<>();
    /** PIDs of the settings files that exist, {@code io.multistack.SERVICE~TENANT}; worker thread only. */
    private final Set<String> settingsFiles = new HashSet<>();

    @Activate
    public UpperMapping(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
        String homeProperty = context.getProperty("multistack.home");
        this.home = homeProperty != null ? Path.of(homeProperty) : context.getDataFile("").toPath();
        // the first task: files that exist now; events (queued behind it) tell of later ones
        worker.execute(this::findSettingsFiles);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindStack(TenantStack stack, Map<String, Object> properties) {
        String tenant = stack.name();
        Set<String> services = new LinkedHashSet<>(stack.settings().services());
        worker.execute(() -> reconcile(tenant, services));
    }

    void updatedStack(TenantStack stack, Map<String, Object> properties) {
        bindStack(stack, properties);
    }

    void unbindStack(TenantStack stack) {
        String tenant = stack.name();
        worker.execute(() -> reconcile(tenant, Set.of()));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A settings file changed: the instance it belongs to gets the new settings. */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String factoryPid = event.getFactoryPid();
        if (!isSettings(factoryPid)) {
            return;
        }
        String service = factoryPid.substring(ServerProcesses.SETTINGS_PID_PREFIX.length());
        String pid = event.getPid();
        String tenant = pid.substring(pid.indexOf('~') + 1);
        boolean deleted = event.getType() == ConfigurationEvent.CM_DELETED;
        worker.execute(() -> {
            if (deleted) {
                settingsFiles.remove(pid);
            } else {
                settingsFiles.add(pid);
            }
            if (wanted.getOrDefault(tenant, Set.of()).contains(service)) {
                write(tenant, service);
            }
        });
    }

    /** Whether a factory PID is that of per-tenant settings of a service (not an instance, not a tenant). */
    private static boolean isSettings(String factoryPid) {
        return factoryPid != null && factoryPid.startsWith(ServerProcesses.SETTINGS_PID_PREFIX)
                && !factoryPid.startsWith(ServerProcesses.PID_PREFIX) && !factoryPid.equals(TenantConfig.PID);
    }

    private void findSettingsFiles() {
        try {
            Configuration[] found = configurationAdmin.listConfigurations(
                    "(service.factoryPid=" + ServerProcesses.SETTINGS_PID_PREFIX + "*)");
            for (Configuration configuration : found == null ? new Configuration[0] : found) {
                if (isSettings(configuration.getFactoryPid())) {
                    settingsFiles.add(configuration.getPid());
                }
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Settings files of services unreadable: {0}", failed.toString());
        }
    }

    private void reconcile(String tenant, Set<String> services) {
        Set<String> before = wanted.getOrDefault(tenant, Set.of());
        for (String service : before) {
            if (!services.contains(service)) {
                delete(tenant, service);
            }
        }
        for (String service : services) {
            if (!before.contains(service)) {
                write(tenant, service);
            }
        }
        if (services.isEmpty()) {
            wanted.remove(tenant);
        } else {
            wanted.put(tenant, Set.copyOf(services));
        }
    }

    private void write(String tenant, String service) {
        try {
            Path data = home.resolve("data").resolve("tenants").resolve(tenant).resolve(service);
            Path logs = home.resolve("log").resolve("tenants").resolve(tenant);
            Files.createDirectories(data);
            Files.createDirectories(logs);
            Dictionary<String, Object> properties = new Hashtable<>(settings(tenant, service));
            properties.put(ServerProcesses.TENANT, tenant);
            properties.put(ServerProcesses.SERVICE, service);
            properties.put(ServerProcesses.DATA_FOLDER, data.toString());
            properties.put(ServerProcesses.LOG_FOLDER, logs.toString());
            // the structural isolation: this instance can only ever be given this tenant's stack
            properties.put(ServerProcesses.STACK_REFERENCE + ".target", "(" + TenantStack.TENANT + "=" + tenant + ")");
            Configuration configuration = configurationAdmin.getFactoryConfiguration(ServerProcesses.pid(service),
                    tenant, "?");
            configuration.updateIfDifferent(properties);
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant {0}: cannot configure service {1}: {2}", tenant, service, failed.toString());
        }
    }

    private void delete(String tenant, String service) {
        try {
            // by name, as write made it (a filter would scan every configuration of the appliance)
            configurationAdmin.getFactoryConfiguration(ServerProcesses.pid(service), tenant, "?").delete();
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant {0}: cannot stop service {1}: {2}", tenant, service, failed.toString());
        }
    }

    /** The tenant's settings file for the service, without the keys the mapping owns. */
    private Map<String, Object> settings(String tenant, String service) {
        Map<String, Object> settings = new HashMap<>();
        if (!settingsFiles.contains(ServerProcesses.SETTINGS_PID_PREFIX + service + "~" + tenant)) {
            return settings;
        }
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "="
                    + ServerProcesses.SETTINGS_PID_PREFIX + service + "~" + tenant + ")");
            if (found != null && found[0].getProperties() != null) {
                Dictionary<String, Object> file = found[0].getProperties();
                for (String key : Collections.list(file.keys())) {
                    if (RESERVED.contains(key)) {
                        LOG.log(Level.WARNING, "{0}: key ''{1}'' is set by the flow manager and ignored here",
                                file.get("felix.fileinstall.filename"), key);
                    } else if (!key.startsWith("service.") && !key.startsWith("felix.")) {
                        settings.put(key, file.get(key));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException failed) {
            LOG.log(Level.WARNING, "Tenant {0}: settings of {1} unreadable: {2}", tenant, service, failed.toString());
        }
        return settings;
    }
}
