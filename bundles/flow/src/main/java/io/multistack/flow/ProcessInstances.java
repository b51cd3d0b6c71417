package io.multistack.flow;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import io.multistack.api.process.ServerProcesses;
import io.multistack.api.stack.TenantStack;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The upper mapping's state: which tenants list which services, which bundle provides each
 * service, and the instances running for each (tenant, service). An instance runs while its
 * tenant, the tenant's listing of the service and a factory for it are all there; every change
 * starts or stops exactly the instances it concerns, so adding a tenant costs the same whatever
 * the number of tenants. Not thread-safe: the flow manager calls it from one thread.
 */
final class ProcessInstances {
    private static final Logger LOG = System.getLogger("io.multistack.flow");

    /** Publishes running instances as services, for operators and commands. */
    interface Publisher {
        /** @return a handle for {@link #withdraw} */
        Object publish(ServerProcess process, Map<String, Object> properties);

        void withdraw(Object handle);
    }

    /** The tenant's settings file of a service, without the keys Configuration Admin adds; empty when none. */
    interface Settings {
        Map<String, Object> of(String tenant, String service);
    }

    private record Tenant(TenantStack stack, long stackId, Set<String> services) {}

    private record Key(String tenant, String service) {}

    private record Instance(ServerProcess process, ServerProcessFactory factory, Object handle) {}

    private final Path home;
    private final Publisher publisher;
    private final Settings settings;
    private final Map<String, Tenant> tenants = new HashMap<>();
    /** Providers of each service in the order they came; the first one is used. */
    private final Map<String, List<ServerProcessFactory>> factories = new HashMap<>();
    private final Map<Key, Instance> running = new LinkedHashMap<>();

    ProcessInstances(Path home, Publisher publisher, Settings settings) {
        this.home = home;
        this.publisher = publisher;
        this.settings = settings;
    }

    /** A tenant came, or its services changed. */
    void tenant(String name, TenantStack stack, long stackId, Set<String> services) {
        Tenant before = tenants.put(name, new Tenant(stack, stackId, Set.copyOf(services)));
        if (before != null) {
            for (String service : before.services()) {
                if (!services.contains(service)) {
                    stop(new Key(name, service));
                }
            }
        }
        for (String service : services) {
            startIfWanted(new Key(name, service));
        }
    }

    /** The tenant goes: its instances stop (before its stack closes). */
    void tenantGone(String name) {
        Tenant gone = tenants.remove(name);
        if (gone != null) {
            gone.services().forEach(service -> stop(new Key(name, service)));
        }
    }

    /** A bundle provides {@code service}: it starts for every tenant listing it, unless another bundle already provides it. */
    void factory(String service, ServerProcessFactory factory) {
        List<ServerProcessFactory> providers = factories.computeIfAbsent(service, any -> new ArrayList<>());
        providers.add(factory);
        if (providers.size() > 1) {
            LOG.log(Level.WARNING, "Two bundles provide service ''{0}'': the first one stays in use", service);
            return;
        }
        for (Map.Entry<String, Tenant> tenant : tenants.entrySet()) {
            if (tenant.getValue().services().contains(service)) {
                startIfWanted(new Key(tenant.getKey(), service));
            }
        }
    }

    /** A provider goes: its instances stop; another provider of the service, if any, takes over. */
    void factoryGone(String service, ServerProcessFactory factory) {
        List<ServerProcessFactory> providers = factories.getOrDefault(service, List.of());
        if (!providers.remove(factory)) {
            return;
        }
        for (Key key : List.copyOf(running.keySet())) {
            if (running.get(key).factory() == factory) {
                stop(key);
                startIfWanted(key);
            }
        }
        if (providers.isEmpty()) {
            factories.remove(service);
        }
    }

    /** The tenant's settings file of the service changed: the instance takes them, or is restarted with them. */
    void settingsChanged(String tenant, String service) {
        Key key = new Key(tenant, service);
        Instance instance = running.get(key);
        if (instance == null) {
            startIfWanted(key); // it may have failed on the previous settings
            return;
        }
        boolean taken;
        try {
            taken = instance.process().reconfigure(settings.of(tenant, service));
        } catch (RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant {0}: {1} failed to take new settings, restarting it: {2}", tenant, service,
                    failed.toString());
            taken = false;
        }
        if (!taken) {
            stop(key);
            startIfWanted(key);
        }
    }

    /** Everything stops (the flow manager goes). */
    void stopAll() {
        List.copyOf(running.keySet()).forEach(this::stop);
    }

    /** Instances running now, as tenant/service. */
    List<String> running() {
        return running.keySet().stream().map(key -> key.tenant() + "/" + key.service()).toList();
    }

    private void startIfWanted(Key key) {
        Tenant tenant = tenants.get(key.tenant());
        List<ServerProcessFactory> providers = factories.get(key.service());
        if (running.containsKey(key) || tenant == null || !tenant.services().contains(key.service())
                || providers == null || providers.isEmpty()) {
            return;
        }
        ServerProcessFactory factory = providers.get(0);
        try {
            Path data = home.resolve("data").resolve("tenants").resolve(key.tenant()).resolve(key.service());
            Path logs = home.resolve("log").resolve("tenants").resolve(key.tenant());
            Files.createDirectories(data);
            Files.createDirectories(logs);
            Context context = new Context(key.tenant(), key.service(), tenant.stack(), data, logs,
                    settings.of(key.tenant(), key.service()));
            ServerProcess process = factory.start(context);
            if (process == null) {
                throw new IllegalStateException("its factory returned no instance");
            }
            Map<String, Object> properties = Map.of(ServerProcesses.TENANT, key.tenant(), ServerProcesses.SERVICE,
                    key.service(), ServerProcesses.DATA_FOLDER, data.toString(), ServerProcesses.STACK_ID,
                    tenant.stackId());
            running.put(key, new Instance(process, factory, publisher.publish(process, properties)));
        } catch (Exception | LinkageError failed) { // a provider's bug must not stop the other tenants' services
            LOG.log(Level.ERROR, "Tenant {0}: {1} did not start: {2}", key.tenant(), key.service(),
                    failed instanceof IOException ? failed.toString() : String.valueOf(failed));
        }
    }

    private void stop(Key key) {
        Instance instance = running.remove(key);
        if (instance == null) {
            return;
        }
        publisher.withdraw(instance.handle());
        try {
            instance.process().stop();
        } catch (RuntimeException | LinkageError failed) {
            LOG.log(Level.ERROR, "Tenant {0}: {1} failed while stopping: {2}", key.tenant(), key.service(),
                    failed.toString());
        }
    }

    private record Context(String tenant, String service, TenantStack stack, Path dataFolder, Path logFolder,
            Map<String, Object> settings) implements ProcessContext {}
}
