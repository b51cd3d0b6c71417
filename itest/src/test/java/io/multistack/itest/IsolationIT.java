package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import io.multistack.api.process.ServerProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.framework.ServiceReference;

/**
 * Isolation is structural: each instance of a third party's server process (the example
 * bundle) is given its own tenant's stack and data folder, while both tenants, with identical
 * addresses, run side by side.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IsolationIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private ApplianceHome home;

    @Configuration
    public Option[] config() {
        return CoreOptions.options(CoreOptions.composite(FrameworkUnderTest.options()), ApplianceHome.option());
    }

    @Before
    public void tenantsAAndBRunTheGreetingFromTheExampleBundle() throws Exception {
        home = ApplianceHome.of(context);
        Configurations configurations = new Configurations(configurationAdmin);
        configurations.put(Configurations.TENANT, "A", Map.of("vlan", "600", "address", "192.168.1.1/24", "services", "greeting"));
        configurations.put(Configurations.TENANT, "B", Map.of("vlan", "601", "address", "192.168.1.1/24", "services", "greeting"));
        if (greetingBundle() == null) {
            context.installBundle(FrameworkUnderTest.location(System.getProperty("itest.greeting"))).start();
        }
        Eventually.within(APPLIED, () ->
                assertThat(new RunningProcesses(context).tenantsRunning("greeting")).containsExactly("A", "B"));
    }

    @Test
    public void eachInstanceRunsOnItsOwnTenantsStackOnly() throws Exception {
        TenantStacks stacks = new TenantStacks(context);
        RunningProcesses processes = new RunningProcesses(context);
        for (String tenant : List.of("A", "B")) {
            String other = tenant.equals("A") ? "B" : "A";
            Object stackId = processes.references(tenant, "greeting").iterator().next()
                    .getProperty(ServerProcesses.STACK_ID);

            assertThat(stackId).as("%s's instance runs on %s's stack", tenant, tenant)
                    .isEqualTo(stacks.serviceId(tenant));
            // the other tenant's stack exists, with the same address, and is not the one given
            assertThat(stackId).isNotEqualTo(stacks.serviceId(other));
        }
    }

    @Test
    public void eachInstanceGetsItsOwnDataFolder() throws Exception {
        for (String tenant : List.of("A", "B")) {
            ServiceReference<ServerProcess> instance = new RunningProcesses(context).references(tenant, "greeting")
                    .iterator().next();

            assertThat(Path.of(String.valueOf(instance.getProperty(ServerProcesses.DATA_FOLDER))))
                    .isEqualTo(home.tenantData(tenant).resolve("greeting")).isDirectory();
        }
    }

    @Test
    public void theExampleBundleProvidesOneFactoryWhateverTheNumberOfTenants() throws Exception {
        Collection<ServiceReference<ServerProcessFactory>> factories = context.getServiceReferences(
                ServerProcessFactory.class, "(service=greeting)");

        assertThat(factories).hasSize(1);
        assertThat(factories.iterator().next().getBundle()).isEqualTo(greetingBundle());
    }

    @Test
    public void theStatusOfEachInstanceNamesItsOwnTenantsAddress() throws Exception {
        RunningProcesses processes = new RunningProcesses(context);
        assertThat(processes.get("A", "greeting").tenant()).isEqualTo("A");
        assertThat(processes.get("B", "greeting").tenant()).isEqualTo("B");
        assertThat(processes.get("A", "greeting").status()).startsWith("tcp 192.168.1.1:7000");
    }

    private Bundle greetingBundle() {
        return Arrays.stream(context.getBundles())
                .filter(bundle -> "io.multistack.example.greeting".equals(bundle.getSymbolicName()))
                .findFirst().orElse(null);
    }
}
