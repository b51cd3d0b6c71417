package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The {@code http} server process in the real framework: a tenant listing {@code http} in its
 * services gets an instance bound to its own stack; taking the service out of the list stops
 * exactly that instance; the tenant's settings file {@code io.multistack.http~NAME} applies live.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HttpIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);
    private static final String HTTP_SETTINGS = "io.multistack.http";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private Configurations configurations;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsWithHttp() throws Exception {
        configurations = new Configurations(configurationAdmin);
        configurations.put(TENANT, "A", tenant(600, "http"));
        configurations.put(TENANT, "B", tenant(601, "http"));
    }

    private static Map<String, String> tenant(int vlan, String services) {
        Map<String, String> tenant = new HashMap<>(Configurations.tenant(vlan, "192.168.1.1/24"));
        if (!services.isEmpty()) {
            tenant.put("services", services);
        }
        return tenant;
    }

    private Collection<ServiceReference<ServerProcess>> httpOf(String tenant) throws Exception {
        return context.getServiceReferences(ServerProcess.class, "(&(tenant=" + tenant + ")(service=http))");
    }

    /** The tenant's running http ServerProcess, waited for. */
    private ServerProcess runningHttpOf(String tenant) throws Exception {
        Eventually.within(APPLIED, () -> assertThat(httpOf(tenant)).as("http of tenant %s", tenant).hasSize(1));
        return context.getService(httpOf(tenant).iterator().next());
    }

    @Test
    public void aTenantListingHttpRunsAnInstanceOnItsOwnStack() throws Exception {
        ServerProcess http = runningHttpOf("A");
        assertThat(http.tenant()).isEqualTo("A");
        assertThat(http.service()).isEqualTo("http");
        assertThat(http.status()).isEqualTo("listening on 192.168.1.1:80, 0 connections");
        ServiceReference<ServerProcess> reference = httpOf("A").iterator().next();
        assertThat(reference.getProperty("stack.id")).isEqualTo(new TenantStacks(context).serviceId("A"));
        // its www folder is created beside its data folder: data/tenants/A/www
        Path data = Path.of(String.valueOf(reference.getProperty("data.folder")));
        assertThat(data).endsWith(Path.of("tenants", "A", "http"));
        assertThat(Files.isDirectory(data.resolveSibling("www"))).isTrue();
        assertThat(runningHttpOf("B").tenant()).isEqualTo("B");
    }

    @Test
    public void removingHttpFromServicesStopsOnlyThatInstance() throws Exception {
        runningHttpOf("A");
        runningHttpOf("B");
        configurations.put(TENANT, "A", tenant(600, ""));
        Eventually.within(APPLIED, () -> assertThat(httpOf("A")).as("http of tenant A").isEmpty());
        assertThat(httpOf("B")).hasSize(1);
        configurations.put(TENANT, "A", tenant(600, "http"));
        assertThat(runningHttpOf("A").status()).startsWith("listening on");
    }

    @Test
    public void theTenantsSettingsFileChangesThePortLive() throws Exception {
        runningHttpOf("A");
        configurations.put(HTTP_SETTINGS, "A", Map.of("port", "8080", "listing", "true"));
        Eventually.within(APPLIED,
                () -> assertThat(runningHttpOf("A").status()).isEqualTo("listening on 192.168.1.1:8080, 0 connections"));
        assertThat(runningHttpOf("B").status()).contains(":80,");
        configurations.delete(HTTP_SETTINGS, "A");
        Eventually.within(APPLIED, () -> assertThat(runningHttpOf("A").status()).contains("192.168.1.1:80,"));
    }
}
