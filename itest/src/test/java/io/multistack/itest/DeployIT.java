package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A third party's server process arriving through deploy/ (the example bundle
 * examples/greeting, watched by FileInstall as in the appliance): it starts for every tenant
 * that lists {@code greeting} and only there; updating the jar restarts exactly those
 * instances; removing it stops them and the tenants show {@code greeting} waiting again.
 * Tenant A also runs {@code echo} (the diag bundle), which none of this may touch.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeployIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);
    private static final String GREETING = "greeting";
    private static final String GREETING_BSN = "io.multistack.example.greeting";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor commandProcessor;

    private ApplianceHome home;
    private RunningProcesses processes;
    private TenantStacks stacks;
    private Path greetingJar;

    @Configuration
    public Option[] config() {
        return CoreOptions.options(CoreOptions.composite(FrameworkUnderTest.options()), ApplianceHome.option());
    }

    @Before
    public void tenantsAAndBListGreetingCDoesNot() throws Exception {
        home = ApplianceHome.fresh(context);
        home.watchDeploy(configurationAdmin);
        processes = new RunningProcesses(context);
        stacks = new TenantStacks(context);
        greetingJar = Path.of(System.getProperty("itest.greeting"));
        Configurations configurations = new Configurations(configurationAdmin);
        configurations.put(TENANT, "A", Map.of("vlan", "600", "address", "192.168.1.1/24", "services", "greeting, echo"));
        configurations.put(TENANT, "B", Map.of("vlan", "601", "address", "192.168.1.1/24", "services", "greeting"));
        configurations.put(TENANT, "C", Map.of("vlan", "602", "address", "192.168.1.1/24", "services", "echo"));
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B", "C");
            assertThat(processes.tenantsRunning("echo")).containsExactly("A", "C");
        });
    }

    @Test
    public void aServiceNobodyProvidesWaitsAndStartsWhenItsJarIsDropped() throws Exception {
        String table = new Shell(commandProcessor).run("flow:table");
        assertThat(Shell.linesWithWords(table, "A", GREETING, "waiting")).hasSize(1);
        assertThat(Shell.linesWithWords(table, "B", GREETING, "waiting")).hasSize(1);
        assertThat(processes.tenantsRunning(GREETING)).isEmpty();

        Files.copy(greetingJar, home.deploy().resolve("greeting.jar"));

        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B"));
        assertThat(processes.get("A", GREETING).status()).startsWith("tcp 192.168.1.1:7000");
        Eventually.within(APPLIED, () -> {
            String running = new Shell(commandProcessor).run("flow:table");
            assertThat(Shell.linesWithWords(running, "A", GREETING, "running")).hasSize(1);
            assertThat(Shell.linesWithWords(running, "B", GREETING, "running")).hasSize(1);
            assertThat(Shell.linesWithWords(running, "C", GREETING)).isEmpty();
        });
    }

    @Test
    public void updatingTheJarRestartsExactlyItsInstances() throws Exception {
        Files.copy(greetingJar, home.deploy().resolve("greeting.jar"));
        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B"));
        long greetingA = processes.id("A", GREETING);
        long greetingB = processes.id("B", GREETING);
        long echoA = processes.id("A", "echo");
        long echoC = processes.id("C", "echo");
        long stackA = stacks.serviceId("A");

        // A second build of the example: same jar name, new version.
        TestJars.withVersion(greetingJar, "0.2.0", home.deploy().resolve("greeting.jar"));

        Eventually.within(APPLIED, () -> {
            assertThat(greetingBundle().getVersion()).hasToString("0.2.0");
            assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B");
            assertThat(processes.id("A", GREETING)).as("A's greeting restarted").isNotEqualTo(greetingA);
            assertThat(processes.id("B", GREETING)).as("B's greeting restarted").isNotEqualTo(greetingB);
        });
        assertThat(processes.id("A", "echo")).as("A's echo untouched").isEqualTo(echoA);
        assertThat(processes.id("C", "echo")).as("C's echo untouched").isEqualTo(echoC);
        assertThat(stacks.serviceId("A")).as("A's stack untouched").isEqualTo(stackA);
    }

    @Test
    public void removingTheJarStopsItsInstancesAndTheTenantsWaitAgain() throws Exception {
        Files.copy(greetingJar, home.deploy().resolve("greeting.jar"));
        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B"));
        long echoA = processes.id("A", "echo");

        Files.delete(home.deploy().resolve("greeting.jar"));

        Eventually.within(APPLIED, () -> {
            assertThat(greetingBundle()).as("uninstalled").isNull();
            assertThat(processes.tenantsRunning(GREETING)).isEmpty();
            String table = new Shell(commandProcessor).run("flow:table");
            assertThat(Shell.linesWithWords(table, "A", GREETING, "waiting")).hasSize(1);
            assertThat(Shell.linesWithWords(table, "B", GREETING, "waiting")).hasSize(1);
        });
        assertThat(processes.id("A", "echo")).as("A's echo untouched").isEqualTo(echoA);
        assertThat(stacks.names()).containsExactly("A", "B", "C");
    }

    @Test
    public void aTenantListingTheServiceLaterGetsItFromTheDeployedBundle() throws Exception {
        Files.copy(greetingJar, home.deploy().resolve("greeting.jar"));
        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B"));

        new Configurations(configurationAdmin).put(TENANT, "C",
                Map.of("vlan", "602", "address", "192.168.1.1/24", "services", "echo, greeting"));

        Eventually.within(APPLIED, () -> assertThat(processes.tenantsRunning(GREETING)).containsExactly("A", "B", "C"));
    }

    private Bundle greetingBundle() {
        for (Bundle bundle : context.getBundles()) {
            if (GREETING_BSN.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }
}
