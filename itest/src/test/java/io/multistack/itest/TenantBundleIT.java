package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.process.ServerProcessFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A tenant that travels as a bundle (OSGi Configurator JSON + content, header
 * {@code Multistack-Tenant}): starting it brings the tenant up with its settings, tunnel row
 * and www content; stopping or uninstalling it takes exactly that tenant down; it may bring
 * its own server process; and {@code tenant:export} writes a bundle that brings the same
 * tenant back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class TenantBundleIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);
    private static final String TENANT_D = """
            {
              ":configurator:resource-version": 1,
              "io.multistack.tenant~D": { "vlan": "640", "address": "192.168.1.1/24", "services": "echo" },
              "io.multistack.echo~D": { "note": "from the bundle" },
              "io.multistack.access.tunnel~siteD": { "remote": "198.51.100.14", "vni": "104", "vlan": "640" }
            }
            """;
    private static final String[] D_PIDS = {"io.multistack.tenant~D", "io.multistack.echo~D",
            "io.multistack.access.tunnel~siteD"};

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor commandProcessor;

    private ApplianceHome home;
    private TenantStacks stacks;
    private RunningProcesses processes;

    @Configuration
    public Option[] config() {
        return CoreOptions.options(CoreOptions.composite(FrameworkUnderTest.options()), ApplianceHome.option());
    }

    @Before
    public void tenantAIsThereAlready() throws Exception {
        home = ApplianceHome.fresh(context);
        stacks = new TenantStacks(context);
        processes = new RunningProcesses(context);
        new Configurations(configurationAdmin).put(Configurations.TENANT, "A",
                Map.of("vlan", "600", "address", "192.168.1.1/24", "services", "echo"));
        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning("echo")).containsExactly("A"));
    }

    @Test
    public void startingTheBundleBringsTheTenantUpWithItsContent() throws Exception {
        Bundle bundle = install(tenantD());
        assertThat(stacks.names()).as("installed, not started: nothing yet").containsExactly("A");

        bundle.start();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "D");
            assertThat(stacks.stack("D").settings().vlan()).isEqualTo(640);
            assertThat(processes.tenantsRunning("echo")).containsExactly("A", "D");
            assertThat(configurationPids()).contains(D_PIDS);
        });
        assertThat(home.tenantData("D").resolve("www/index.html")).hasContent("<h1>tenant D</h1>");
        assertThat(processes.get("D", "echo")).isNotNull();
    }

    @Test
    public void stoppingTheBundleTakesExactlyThatTenantDownAndStartingBringsItBack() throws Exception {
        Bundle bundle = install(tenantD());
        bundle.start();
        Eventually.within(APPLIED, () -> assertThat(stacks.names()).containsExactly("A", "D"));
        long stackA = stacks.serviceId("A");

        bundle.stop();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A");
            assertThat(configurationPids()).doesNotContain(D_PIDS);
        });
        assertThat(stacks.serviceId("A")).as("A untouched").isEqualTo(stackA);
        assertThat(home.tenantData("D").resolve("www/index.html")).as("content stays, as data").exists();

        bundle.start();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "D");
            assertThat(configurationPids()).contains(D_PIDS);
            assertThat(processes.tenantsRunning("echo")).containsExactly("A", "D");
        });
    }

    @Test
    public void uninstallingTheBundleTakesTheTenantDown() throws Exception {
        Bundle bundle = install(tenantD());
        bundle.start();
        Eventually.within(APPLIED, () -> assertThat(stacks.names()).containsExactly("A", "D"));

        bundle.uninstall();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A");
            assertThat(configurationPids()).doesNotContain(D_PIDS);
            assertThat(processes.tenantsRunning("echo")).containsExactly("A");
        });
    }

    @Test
    public void anEntryClimbingOutOfTheTenantsFolderIsRefusedAndTheRestApplied() throws Exception {
        Path jar = home.root().resolve("tenant-D-evil.jar");
        TestJars.tenantBundle(jar, "D", TENANT_D, Map.of("www/index.html", "<h1>tenant D</h1>",
                "../A/www/index.html", "defaced"));

        install(jar).start();

        Eventually.within(APPLIED, () -> assertThat(stacks.names()).containsExactly("A", "D"));
        assertThat(home.tenantData("D").resolve("www/index.html")).hasContent("<h1>tenant D</h1>");
        assertThat(home.tenantData("A").resolve("www/index.html")).doesNotExist();
    }

    @Test
    public void aTenantBundleMayBringItsOwnServerProcess() throws Exception {
        Path jar = home.root().resolve("tenant-F.jar");
        TestJars.asTenantBundle(Path.of(System.getProperty("itest.greeting")), "F", """
                {
                  ":configurator:resource-version": 1,
                  "io.multistack.tenant~F": { "vlan": "660", "address": "192.168.1.1/24", "services": "greeting" },
                  "io.multistack.greeting~F": { "text": "F's own" }
                }
                """, jar);
        Bundle bundle = install(jar);

        bundle.start();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "F");
            assertThat(processes.tenantsRunning("greeting")).containsExactly("F");
        });
        // the instance comes from the factory the tenant's bundle registered
        assertThat(context.getServiceReferences(ServerProcessFactory.class, "(service=greeting)"))
                .singleElement().extracting(ServiceReference::getBundle).isEqualTo(bundle);

        bundle.stop();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A");
            assertThat(processes.tenantsRunning("greeting")).isEmpty();
        });
    }

    @Test
    public void anExportedTenantComesBackFromItsBundle() throws Exception {
        Configurations configurations = new Configurations(configurationAdmin);
        configurations.put(Configurations.TENANT, "E", Map.of("vlan", "650", "address", "10.0.0.1/24",
                "gateway", "10.0.0.254", "services", "echo"));
        configurations.put("io.multistack.echo", "E", Map.of("note", "E's own"));
        configurations.put(Configurations.TUNNEL, "siteE", Configurations.tunnel("198.51.100.15", 105, 650));
        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning("echo")).containsExactly("A", "E"));
        Files.createDirectories(home.tenantData("E").resolve("www"));
        Files.writeString(home.tenantData("E").resolve("www/index.html"), "<h1>tenant E</h1>");
        Map<String, Object> before = properties("io.multistack.tenant~E");

        String answer = new Shell(commandProcessor).run("tenant:export E exported/tenant-E.jar");
        assertThat(answer).contains("tenant E exported to", "3 configurations");
        Path jar = home.root().resolve("exported/tenant-E.jar");
        assertThat(jar).isRegularFile();

        // A fresh state: E's configurations and files gone.
        configurations.delete(Configurations.TENANT, "E");
        configurations.delete("io.multistack.echo", "E");
        configurations.delete(Configurations.TUNNEL, "siteE");
        Eventually.within(APPLIED, () -> assertThat(stacks.names()).containsExactly("A"));
        try (var files = Files.walk(home.tenantData("E"))) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }

        Bundle bundle = install(jar);
        assertThat(bundle.getSymbolicName()).isEqualTo("io.multistack.tenant.E");
        assertThat(bundle.getHeaders().get("Multistack-Tenant")).isEqualTo("E");
        bundle.start();

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "E");
            assertThat(processes.tenantsRunning("echo")).containsExactly("A", "E");
            assertThat(properties("io.multistack.tenant~E")).isEqualTo(before);
            assertThat(properties("io.multistack.echo~E")).containsEntry("note", "E's own");
            assertThat(properties("io.multistack.access.tunnel~siteE")).containsEntry("vlan", "650");
        });
        assertThat(stacks.stack("E").settings().gateway()).map(Object::toString).hasValue("/10.0.0.254");
        assertThat(home.tenantData("E").resolve("www/index.html")).hasContent("<h1>tenant E</h1>");
    }

    private Path tenantD() throws Exception {
        Path jar = home.root().resolve("tenant-D.jar");
        TestJars.tenantBundle(jar, "D", TENANT_D, Map.of("www/index.html", "<h1>tenant D</h1>"));
        return jar;
    }

    private Bundle install(Path jar) throws Exception {
        return context.installBundle(FrameworkUnderTest.location(jar.toString()));
    }

    private List<String> configurationPids() throws Exception {
        var found = configurationAdmin.listConfigurations(null);
        return found == null ? List.of() : Arrays.stream(found).map(org.osgi.service.cm.Configuration::getPid).toList();
    }

    /** The configuration's properties without the ones Configuration Admin adds. */
    private Map<String, Object> properties(String pid) throws Exception {
        var found = configurationAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        assertThat(found).as("configuration %s", pid).isNotNull().hasSize(1);
        Map<String, Object> properties = new TreeMap<>();
        var dictionary = found[0].getProperties();
        for (String key : Collections.list(dictionary.keys())) {
            if (!key.startsWith("service.")) {
                properties.put(key, dictionary.get(key));
            }
        }
        return properties;
    }
}
