package io.multistack.bench.scale;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * What of each tenant is registered, as service events tell it: its {@code TenantStack} and
 * its {@code ServerProcess} instances by service name. The classes are named only in
 * filters, so the probe depends on no multistack package version.
 */
final class TenantWatch implements ServiceListener {
    static final String STACK = "io.multistack.api.stack.TenantStack";
    static final String PROCESS = "io.multistack.api.process.ServerProcess";
    static final String FILTER = "(|(objectClass=" + STACK + ")(objectClass=" + PROCESS + "))";

    /** One tenant's registered parts; guarded by its own monitor, which waiters wait on. */
    private static final class Presence {
        ServiceReference<?> stack;
        final Map<String, ServiceReference<?>> processes = new java.util.HashMap<>();

        boolean isEmpty() {
            return stack == null && processes.isEmpty();
        }
    }

    private final BundleContext context;
    private final Map<String, Presence> byTenant = new ConcurrentHashMap<>();

    TenantWatch(BundleContext context) {
        this.context = context;
    }

    void open() throws InvalidSyntaxException {
        context.addServiceListener(this, FILTER);
        ServiceReference<?>[] present = context.getAllServiceReferences(null, FILTER);
        if (present != null) {
            for (ServiceReference<?> reference : present) {
                update(reference, ServiceEvent.REGISTERED);
            }
        }
    }

    void close() {
        context.removeServiceListener(this);
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        update(event.getServiceReference(), event.getType());
    }

    private void update(ServiceReference<?> reference, int type) {
        if (!(reference.getProperty("tenant") instanceof String tenant)) {
            return;
        }
        boolean isStack = Arrays.asList((String[]) reference.getProperty("objectClass")).contains(STACK);
        String service = String.valueOf(reference.getProperty("service"));
        Presence presence = byTenant.computeIfAbsent(tenant, name -> new Presence());
        synchronized (presence) {
            boolean gone = type == ServiceEvent.UNREGISTERING || type == ServiceEvent.MODIFIED_ENDMATCH;
            if (isStack) {
                presence.stack = gone ? null : reference;
            } else if (gone) {
                presence.processes.remove(service, reference);
            } else {
                presence.processes.put(service, reference);
            }
            presence.notifyAll();
        }
    }

    /**
     * Waits until the tenant's stack and a process of every named service are registered and
     * activated (getting a DS service waits for its component to be constructed, which for a
     * server process includes binding its listeners). False when the deadline passed.
     */
    boolean awaitUp(String tenant, Set<String> services, long deadlineNanos) throws InterruptedException {
        Presence presence = byTenant.computeIfAbsent(tenant, name -> new Presence());
        ServiceReference<?>[] processes;
        synchronized (presence) {
            while (presence.stack == null || !presence.processes.keySet().containsAll(services)) {
                if (!waitUntil(presence, deadlineNanos)) {
                    return false;
                }
            }
            processes = services.stream().map(presence.processes::get).toArray(ServiceReference<?>[]::new);
        }
        for (ServiceReference<?> reference : processes) {
            if (context.getService(reference) == null) {
                return false;
            }
            context.ungetService(reference);
        }
        return true;
    }

    /** Waits until neither the tenant's stack nor any of its processes is registered. */
    boolean awaitGone(String tenant, long deadlineNanos) throws InterruptedException {
        Presence presence = byTenant.get(tenant);
        if (presence == null) {
            return true;
        }
        synchronized (presence) {
            while (!presence.isEmpty()) {
                if (!waitUntil(presence, deadlineNanos)) {
                    return false;
                }
            }
        }
        // the probe's own bookkeeping must not count in the heap per tenant
        byTenant.remove(tenant, presence);
        return true;
    }

    private static boolean waitUntil(Object monitor, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        monitor.wait(Math.max(1, left / 1_000_000));
        return true;
    }
}
