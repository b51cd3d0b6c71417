package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
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
 * The {@code dns} server process in the real framework: a tenant listing {@code dns} in its
 * services gets a running DNS server, which serves the zone files of its own data folder, and
 * {@code dns:zones} / {@code dns:query} show what it serves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DnsIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);
    private static final String ZONE = """
            $TTL 300
            @ SOA ns1 hostmaster 1 1h 15m 1w 60
              NS ns1
            ns1 A 192.168.1.1
            www A %s
            """;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor commandProcessor;

    private Shell shell;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsWithDns() throws Exception {
        shell = new Shell(commandProcessor);
        Configurations configurations = new Configurations(configurationAdmin);
        configurations.put(TENANT, "A", withDns(600));
        configurations.put(TENANT, "B", withDns(601));
    }

    private static Map<String, String> withDns(int vlan) {
        Map<String, String> tenant = new HashMap<>(Configurations.tenant(vlan, "192.168.1.1/24"));
        tenant.put("services", "dns");
        return tenant;
    }

    /** The tenant's running dns ServerProcess, waited for. */
    private ServiceReference<ServerProcess> dnsOf(String tenant) throws Exception {
        String filter = "(&(tenant=" + tenant + ")(service=dns))";
        ServiceReference<?>[] found = new ServiceReference<?>[1];
        Eventually.within(APPLIED, () -> {
            Collection<ServiceReference<ServerProcess>> references = context.getServiceReferences(ServerProcess.class,
                    filter);
            assertThat(references).as("ServerProcess %s", filter).hasSize(1);
            found[0] = references.iterator().next();
        });
        @SuppressWarnings("unchecked")
        ServiceReference<ServerProcess> reference = (ServiceReference<ServerProcess>) found[0];
        return reference;
    }

    private static void writeZone(ServiceReference<ServerProcess> dns, String address) throws Exception {
        Path folder = Path.of(String.valueOf(dns.getProperty("data.folder")));
        Files.createDirectories(folder);
        Path staged = folder.resolve("example.test.zone.tmp");
        Files.writeString(staged, ZONE.formatted(address));
        Files.move(staged, folder.resolve("example.test.zone"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    public void aTenantListingDnsRunsAServerProcess() throws Exception {
        ServiceReference<ServerProcess> dns = dnsOf("A");
        ServerProcess process = context.getService(dns);
        assertThat(process.tenant()).isEqualTo("A");
        assertThat(process.service()).isEqualTo("dns");
        assertThat(process.status()).contains("port 53");
        assertThat(String.valueOf(dns.getProperty("data.folder"))).endsWith("tenants/A/dns");
        Eventually.within(APPLIED, () -> assertThat(Shell.linesWithWords(shell.run("flow:table"), "A", "dns", "running"))
                .as("flow:table row of A's dns").singleElement().asString().contains("queries"));
    }

    @Test
    public void eachTenantServesItsOwnZoneForTheSameName() throws Exception {
        writeZone(dnsOf("A"), "192.168.1.80");
        writeZone(dnsOf("B"), "192.168.1.81");

        Eventually.within(APPLIED, () -> assertThat(shell.run("dns:query A www.example.test"))
                .contains("status: NOERROR, flags: aa").contains("www.example.test.\t300\tIN\tA\t192.168.1.80"));
        Eventually.within(APPLIED, () -> assertThat(shell.run("dns:query B www.example.test A"))
                .contains("192.168.1.81").doesNotContain("192.168.1.80"));
        assertThat(shell.run("dns:zones A")).contains("example.test.").contains("1 zones");
    }

    @Test
    public void queryShowsNegativeAnswersAndRefusal() throws Exception {
        writeZone(dnsOf("A"), "192.168.1.80");
        Eventually.within(APPLIED, () -> assertThat(shell.run("dns:zones A")).contains("example.test."));

        assertThat(shell.run("dns:query A nothing.example.test")).startsWith("status: NXDOMAIN, flags: aa")
                .contains("AUTHORITY:").contains("SOA");
        assertThat(shell.run("dns:query A www.example.test TXT")).startsWith("status: NOERROR, flags: aa")
                .doesNotContain("ANSWER:").contains("SOA");
        assertThat(shell.run("dns:query A www.elsewhere.test")).startsWith("status: REFUSED");
    }

    @Test
    public void commandsForATenantWithoutDnsFail() throws Exception {
        new Configurations(configurationAdmin).put(TENANT, "C", Configurations.tenant(602, "192.168.1.1/24"));
        assertThatThrownBy(() -> shell.run("dns:zones C")).hasMessageContaining("runs no dns server");
    }
}
