package io.multistack.shell;

import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.stack.StackStatistics;
import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tenant:list}, {@code tenant:add}, {@code tenant:remove}. Adding and removing write
 * and delete the tenant's file in etc/ (framework property {@code multistack.etc}), so the
 * change survives a restart; without an etc/ folder they go to ConfigurationAdmin directly.
 */
@Component(service = TenantCommands.class, property = {"osgi.command.scope=tenant",
        "osgi.command.function=list", "osgi.command.function=add", "osgi.command.function=remove"})
public final class TenantCommands {
    static final String PID = "io.multistack.tenant";
    /** How long add and remove wait for the flow manager to act on the file (it polls every second). */
    static final long SETTLE_MILLIS = 6_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Tenants tenants;
    private final LowerMapping lowerMapping;
    private final ConfigurationAdmin configurationAdmin;
    private final Path etc;

    @Activate
    public TenantCommands(BundleContext context, @Reference Tenants tenants, @Reference LowerMapping lowerMapping,
            @Reference ConfigurationAdmin configurationAdmin) {
        this.tenants = tenants;
        this.lowerMapping = lowerMapping;
        this.configurationAdmin = configurationAdmin;
        String etcProperty = context.getProperty("multistack.etc");
        this.etc = etcProperty == null ? null : Path.of(etcProperty);
    }

    @Descriptor("lists the tenants with their link, VLAN, address, MAC, state and frame counters")
    public String list() {
        Table table = new Table("NAME", "LINK", "VLAN", "ADDRESS", "GATEWAY", "MAC", "STATE", "FRAMES-IN",
                "FRAMES-OUT", "DROPS", "SERVICES");
        Map<String, VlanRow> lowerEnds = lowerMapping.rows().stream()
                .collect(Collectors.toMap(VlanRow::tenant, Function.identity(), (first, second) -> first));
        for (TenantStack stack : tenants.sorted()) {
            TenantSettings settings = stack.settings();
            StackStatistics stats = stack.statistics();
            VlanRow lowerEnd = lowerEnds.get(settings.name());
            String state = lowerEnd == null || "up".equals(lowerEnd.state()) ? stats.state()
                    : stats.state() + " (" + lowerEnd.state() + ")";
            table.row(settings.name(), lowerEnd == null ? "-" : lowerEnd.link(),
                    settings.vlan() == LowerMapping.WHOLE_LINK ? "-" : settings.vlan(), settings.cidr(),
                    settings.gateway().map(InetAddress::getHostAddress).orElse("-"), settings.mac(), state,
                    stats.framesIn(), stats.framesOut(), stats.totalDrops(),
                    settings.services().isEmpty() ? "-" : String.join(",", settings.services()));
        }
        return table.toString();
    }

    @Descriptor("adds a tenant (writes etc/io.multistack.tenant~NAME.cfg)")
    public String add(@Descriptor("tenant name") String name, @Descriptor("VLAN ID, 1..4094") int vlan,
            @Descriptor("address/prefix, e.g. 192.168.1.1/24") String cidr) throws Exception {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a tenant name (letters, digits, . _ -)");
        }
        if (vlan < 1 || vlan > 4094) {
            throw new IllegalArgumentException("VLAN " + vlan + " is outside 1..4094");
        }
        checkCidr(cidr);
        if (tenants.exists(name) || (etc != null && Files.exists(file(name)))) {
            throw new IllegalArgumentException("tenant " + name + " already exists");
        }
        lowerMapping.rows().stream().filter(row -> row.vlan() == vlan && row.link().equals(LowerMapping.MEMORY_TRUNK))
                .findFirst().ifPresent(row -> {
            throw new IllegalArgumentException("VLAN " + vlan + " of trunk " + row.link() + " is already used by tenant "
                    + row.tenant());
        });
        if (etc != null) {
            writeFile(name, vlan, cidr);
        } else {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put("vlan", String.valueOf(vlan));
            properties.put("address", cidr);
            configurationAdmin.getFactoryConfiguration(PID, name, "?").update(properties);
        }
        if (!waitFor(() -> tenants.exists(name))) {
            throw new IllegalStateException("tenant " + name + " did not come up within " + SETTLE_MILLIS / 1000
                    + " s; the log says why" + (etc == null ? "" : " (" + file(name) + " was written)"));
        }
        return "Tenant " + name + " added: VLAN " + vlan + ", " + cidr
                + (etc == null ? "" : " (" + etc.getFileName().resolve(file(name).getFileName()) + ")");
    }

    @Descriptor("removes a tenant (deletes its file in etc/)")
    public String remove(@Descriptor("tenant name") String name) throws Exception {
        boolean removed;
        if (etc != null) {
            removed = Files.deleteIfExists(file(name));
        } else {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + PID + "~" + name + ")");
            removed = found != null;
            if (removed) {
                found[0].delete();
            }
        }
        if (!removed) {
            throw new IllegalArgumentException("no tenant named '" + name + "' is configured");
        }
        if (!waitFor(() -> !tenants.exists(name))) {
            throw new IllegalStateException("tenant " + name + " is still running " + SETTLE_MILLIS / 1000
                    + " s after its configuration was removed");
        }
        return "Tenant " + name + " removed";
    }

    private Path file(String name) {
        return etc.resolve(PID + "~" + name + ".cfg");
    }

    private void writeFile(String name, int vlan, String cidr) throws IOException {
        Path target = file(name);
        // hidden temporary name: FileInstall ignores it until the atomic rename
        Path temporary = etc.resolve("." + target.getFileName() + ".tmp");
        Files.writeString(temporary, "# Tenant " + name + ", added by tenant:add at " + Instant.now() + "\n"
                + "vlan = " + vlan + "\naddress = " + cidr + "\n");
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void checkCidr(String cidr) {
        String[] parts = cidr.split("/", -1);
        boolean ok = parts.length == 2 && parts[1].matches("\\d{1,2}") && Integer.parseInt(parts[1]) <= 32
                && parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (ok) {
            try {
                ok = InetAddress.getByName(parts[0]) instanceof Inet4Address;
            } catch (IOException notAnAddress) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 address/prefix, e.g. 192.168.1.1/24");
        }
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
