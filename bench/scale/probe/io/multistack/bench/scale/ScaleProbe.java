package io.multistack.bench.scale;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The scale benchmark's measuring bundle (dropped into {@code deploy/} by bench/scale/run;
 * not part of the appliance). Gogo commands, one tenant after the other, each timed from
 * "configuration written" to "the tenant's stack and its server processes run":
 *
 * <ul>
 *   <li>{@code scale:add FROM TO SERVICES CIDR} through ConfigurationAdmin (what FileInstall
 *       does once it has read a file, and what a management bundle would do);
 *   <li>{@code scale:addfile FROM TO SERVICES CIDR} through a file in {@code etc/} (the
 *       operator's path, including FileInstall's polling);
 *   <li>{@code scale:burst FROM TO SERVICES CIDR}: all configurations at once, then until all run;
 *   <li>{@code scale:remove FROM TO} until stack and processes are gone;
 *   <li>{@code scale:heap}: live heap after full collections, and the thread count.
 * </ul>
 *
 * Tenant {@code s<VLAN>} gets VLAN {@code VLAN}; every tenant may have the same CIDR.
 */
public final class ScaleProbe implements BundleActivator {
    static final String TENANT_PID = "io.multistack.tenant";
    /** Bound on one add or remove; beyond it the command stops and says so. */
    static final long STEP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Bound on a whole burst of adds. */
    static final long BURST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(600);

    private BundleContext context;
    private TenantWatch watch;
    private ServiceRegistration<?> commands;
    /** Got once, on the first command (commands run one at a time). */
    private ConfigurationAdmin configurationAdmin;

    @Override
    public void start(BundleContext context) throws Exception {
        this.context = context;
        watch = new TenantWatch(context);
        watch.open();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.command.scope", "scale");
        properties.put("osgi.command.function", new String[] {"add", "addfile", "burst", "remove", "heap"});
        commands = context.registerService(Object.class, this, properties);
    }

    @Override
    public void stop(BundleContext context) {
        commands.unregister();
        watch.close();
    }

    public String add(int from, int to, String services, String cidr) throws Exception {
        return addAll(from, to, services, cidr, false);
    }

    public String addfile(int from, int to, String services, String cidr) throws Exception {
        return addAll(from, to, services, cidr, true);
    }

    /**
     * Lines {@code add VLAN MICROS UPTIME_MS} (when the add began, in the JVM's uptime, to set
     * beside a GC log), then {@code total MICROS}; a failure ends the command with {@code fail VLAN}.
     */
    private String addAll(int from, int to, String services, String cidr, boolean viaFile) throws Exception {
        Set<String> wanted = services(services);
        StringBuilder out = new StringBuilder();
        long started = System.nanoTime();
        for (int vlan = from; vlan <= to; vlan++) {
            String tenant = "s" + vlan;
            long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
            long t0 = System.nanoTime();
            if (viaFile) {
                writeFile(tenant, vlan, services, cidr);
            } else {
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put("vlan", String.valueOf(vlan));
                properties.put("address", cidr);
                if (!wanted.isEmpty()) {
                    properties.put("services", services);
                }
                configurationAdmin().getFactoryConfiguration(TENANT_PID, tenant, "?").update(properties);
            }
            if (!watch.awaitUp(tenant, wanted, t0 + STEP_TIMEOUT_NANOS)) {
                return out.append("fail ").append(vlan).append(" not up within 30 s\n").toString();
            }
            out.append("add ").append(vlan).append(' ').append((System.nanoTime() - t0) / 1000).append(' ').append(uptime).append('\n');
        }
        return out.append("total ").append((System.nanoTime() - started) / 1000).append('\n').toString();
    }

    /**
     * All configurations written at once, then waited for: {@code total MICROS} until the last
     * tenant runs (as when the appliance starts with that many files in {@code etc/}).
     */
    public String burst(int from, int to, String services, String cidr) throws Exception {
        Set<String> wanted = services(services);
        long started = System.nanoTime();
        for (int vlan = from; vlan <= to; vlan++) {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("vlan", String.valueOf(vlan));
            properties.put("address", cidr);
            if (!wanted.isEmpty()) {
                properties.put("services", services);
            }
            configurationAdmin().getFactoryConfiguration(TENANT_PID, "s" + vlan, "?").update(properties);
        }
        long deadline = started + BURST_TIMEOUT_NANOS;
        for (int vlan = from; vlan <= to; vlan++) {
            if (!watch.awaitUp("s" + vlan, wanted, deadline)) {
                return "fail " + vlan + " not up " + BURST_TIMEOUT_NANOS / 1_000_000_000 + " s after the burst began\n";
            }
        }
        return "total " + (System.nanoTime() - started) / 1000 + "\n";
    }

    /** Lines {@code remove VLAN MICROS}, then {@code total MICROS}. */
    public String remove(int from, int to) throws Exception {
        StringBuilder out = new StringBuilder();
        long started = System.nanoTime();
        for (int vlan = from; vlan <= to; vlan++) {
            String tenant = "s" + vlan;
            long t0 = System.nanoTime();
            if (!Files.deleteIfExists(file(tenant))) {
                // by name, as the probe created it (a filter search would scan every configuration)
                configurationAdmin().getFactoryConfiguration(TENANT_PID, tenant, "?").delete();
            }
            if (!watch.awaitGone(tenant, t0 + STEP_TIMEOUT_NANOS)) {
                return out.append("fail ").append(vlan).append(" still there after 30 s\n").toString();
            }
            out.append("remove ").append(vlan).append(' ').append((System.nanoTime() - t0) / 1000).append('\n');
        }
        return out.append("total ").append((System.nanoTime() - started) / 1000).append('\n').toString();
    }

    /** {@code heap_used=BYTES threads=N}: the smallest heap use right after each of three full collections. */
    public String heap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            memory.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return "heap_used=" + least + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount() + "\n";
    }

    /** The services to wait for; {@code -} for none (a tenant with its stack only). */
    private static Set<String> services(String list) {
        return list.equals("-") ? Set.of() : new LinkedHashSet<>(List.of(list.split(",")));
    }

    private ConfigurationAdmin configurationAdmin() {
        if (configurationAdmin == null) {
            ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
            if (reference == null) {
                throw new IllegalStateException("no ConfigurationAdmin");
            }
            configurationAdmin = context.getService(reference);
        }
        return configurationAdmin;
    }

    private Path file(String tenant) {
        return Path.of(context.getProperty("multistack.etc")).resolve(TENANT_PID + "~" + tenant + ".cfg");
    }

    /** As tenant:add writes it: a hidden temporary file renamed into place, so FileInstall never reads half of it. */
    private void writeFile(String tenant, int vlan, String services, String cidr) throws IOException {
        Path target = file(tenant);
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(temporary, "vlan = " + vlan + "\naddress = " + cidr + "\n"
                + (services.equals("-") ? "" : "services = " + services + "\n"));
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
