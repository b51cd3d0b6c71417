package io.multistack.tenants;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code tenant:export NAME FILE}: a running tenant written as a tenant bundle. */
@Component(service = ExportCommand.class, property = {"osgi.command.scope=tenant", "osgi.command.function=export"})
public final class ExportCommand {
    /** Later exports get higher versions, so that an updated jar in deploy/ is seen as newer. */
    private static final DateTimeFormatter QUALIFIER = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final ConfigurationStore configurations;
    private final Path home;

    @Activate
    public ExportCommand(BundleContext context, @Reference ConfigurationAdmin admin) {
        this.configurations = new ConfigurationStore(admin);
        this.home = Homes.of(context);
    }

    @Descriptor("writes tenant NAME as a tenant bundle: its configuration, service settings, tunnel rows and"
            + " data/tenants/NAME content; install it (or drop it into deploy/) to bring the tenant up elsewhere")
    public String export(@Descriptor("tenant name") String tenant,
            @Descriptor("jar to write; a relative path is taken from the home folder") String file) throws Exception {
        Map<String, Map<String, Object>> selected = TenantSelection.select(tenant, configurations.all());
        String version = "1.0.0." + QUALIFIER.format(ZonedDateTime.now(ZoneOffset.UTC));
        TenantBundleWriter.Written written = TenantBundleWriter.write(home.resolve(file), tenant, version, selected,
                TenantBundles.contentRoot(home, tenant));
        return "tenant " + tenant + " exported to " + written.jar() + " (" + written.configurations()
                + " configurations, " + written.files() + " files)";
    }
}
