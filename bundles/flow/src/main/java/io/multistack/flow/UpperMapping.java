package io.multistack.flow;

import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import io.multistack.api.process.ServerProcesses;
import io.multistack.api.stack.TenantStack;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
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
 * {@code services} key lists, one instance started by the {@link ServerProcessFactory} of the
 * bundle that provides the service, given that tenant's stack alone, and published as a
 * {@link ServerProcess} service. Per-tenant settings ({@code etc/io.multistack.SERVICE~TENANT.cfg})
 * reach the instance and follow edits live.
 *
 * <p>All starting and stopping happens on one worker thread, in order ({@link ProcessInstances}
 * holds the state). Whoever takes a tenant's stack or a factory away waits until the instances
 * that used it have stopped, so an instance never outlives its stack or its bundle's classes.
 * Adding a tenant costs the same whatever the number of tenants: no configuration, component or
 * service filter per instance, and the settings files that exist are remembered from
 * ConfigurationAdmin's events instead of searched for on every add.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class UpperMapping implements ConfigurationListener {
    private static final Logger LOG = System.getLogger("io.multistack.flow");
    /** How long a stack or a factory that goes waits for its instances to stop. */
    private static final long STOP_WAIT_SECONDS = 30;

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            runnable -> new Thread(runnable, "multistack-upper-mapping"));
    private final ProcessInstances instances;
    /** PIDs of the settings files that exist, {@code io.multistack.SERVICE~TENANT}; worker thread only. */
    private final Set<String> settingsFiles = new HashSet<>();
    private volatile Thread workerThread;

    @Activate
    public UpperMapping(BundleContext context, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        String homeProperty = context.getProperty("multistack.home");
        Path home = homeProperty != null ? Path.of(homeProperty) : context.getDataFile("").toPath();
        this.instances = new ProcessInstances(home, new Registrations(), this::settings);
        // the first task: files that exist now; events (queued behind it) tell of later ones
        worker.execute(() -> {
            workerThread = Thread.currentThread();
            findSettingsFiles();
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindStack(TenantStack stack, Map<String, Object> properties) {
        String tenant = stack.name();
        Set<String> services = new LinkedHashSet<>(stack.settings().services());
        long stackId = (Long) properties.get(Constants.SERVICE_ID);
        worker.execute(() -> instances.tenant(tenant, stack, stackId, services));
    }

    void updatedStack(TenantStack stack, Map<String, Object> properties) {
        bindStack(stack, properties);
    }

    void unbindStack(TenantStack stack) {
        String tenant = stack.name();
        await("tenant " + tenant + " goes", () -> instances.tenantGone(tenant));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindFactory(ServerProcessFactory factory, Map<String, Object> properties) {
        String service = serviceOf(properties);
        if (service == null) {
            LOG.log(Level.WARNING, "A ServerProcessFactory without a ''service'' property (service id {0}) is ignored",
                    properties.get(Constants.SERVICE_ID));
            return;
        }
        worker.execute(() -> instances.factory(service, factory));
    }

    void unbindFactory(ServerProcessFactory factory, Map<String, Object> properties) {
        String service = serviceOf(properties);
        if (service != null) {
            await("the provider of " + service + " goes", () -> instances.factoryGone(service, factory));
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.execute(instances::stopAll);
        worker.shutdown();
        if (!worker.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.log(Level.ERROR, "Server processes still stopping after {0} s", STOP_WAIT_SECONDS);
        }
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
            instances.settingsChanged(tenant, service);
        });
    }

    private static String serviceOf(Map<String, Object> properties) {
        Object service = properties.get(ServerProcesses.SERVICE);
        return service instanceof String name && !name.isBlank() ? name : null;
    }

    /** Runs {@code work} on the worker and waits for it: what goes must not be used after this returns. */
    private void await(String what, Runnable work) {
        if (Thread.currentThread() == workerThread) {
            work.run(); // a start on the worker took something away itself
            return;
        }
        try {
            Future<?> done = worker.submit(work);
            done.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException failed) {
            LOG.log(Level.ERROR, "Server processes: {0}, but its instances did not stop in time: {1}", what,
                    failed.toString());
        }
    }

    /**
     * Whether a factory PID may be that of per-tenant settings of a service. The appliance's
     * other factory PIDs (tunnels, links) pass too, harmlessly: no tenant lists them as a service.
     */
    private static boolean isSettings(String factoryPid) {
        return factoryPid != null && factoryPid.startsWith(ServerProcesses.SETTINGS_PID_PREFIX)
                && !factoryPid.equals(TenantConfig.PID);
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

    /** The tenant's settings file for the service, without the keys Configuration Admin and FileInstall add. */
    private Map<String, Object> settings(String tenant, String service) {
        String pid = ServerProcesses.settingsPid(service) + "~" + tenant;
        if (!settingsFiles.contains(pid)) {
            return Map.of();
        }
        Map<String, Object> settings = new HashMap<>();
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            if (found != null && found[0].getProperties() != null) {
                Dictionary<String, Object> file = found[0].getProperties();
                for (String key : Collections.list(file.keys())) {
                    if (!key.startsWith("service.") && !key.startsWith("felix.")) {
                        settings.put(key, file.get(key));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException failed) {
            LOG.log(Level.WARNING, "Tenant {0}: settings of {1} unreadable: {2}", tenant, service, failed.toString());
        }
        return Collections.unmodifiableMap(settings);
    }

    /** Instances are published by this bundle, with the properties the mapping gives them. */
    private final class Registrations implements ProcessInstances.Publisher {
        @Override
        public Object publish(ServerProcess process, Map<String, Object> properties) {
            return context.registerService(ServerProcess.class, process, new Hashtable<>(properties));
        }

        @Override
        public void withdraw(Object handle) {
            try {
                ((ServiceRegistration<?>) handle).unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping this bundle: its services are gone already
            }
        }
    }
}
