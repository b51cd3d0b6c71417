package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.stack.TenantStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/**
 * Isolation is structural: each instance of a third party's server process (the example
 * bundle) is given its own tenant's stack and data folder and cannot be given another's, while
 * both tenants, with identical addresses, run side by side.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IsolationIT {
    private static final Duration APPLIED = Duration.ofSeconds(5);
    private static final String GREETING_COMPONENT = "io.multistack.example.greeting.GreetingProcess";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private ServiceComponentRuntime scr;

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
    public void eachInstanceIsBoundToItsOwnTenantsStackOnly() throws Exception {
        for (String tenant : List.of("A", "B")) {
            ComponentConfigurationDTO instance = instanceOf(tenant);
            SatisfiedReferenceDTO stack = Arrays.stream(instance.satisfiedReferences)
                    .filter(reference -> reference.name.equals("stack")).findFirst().orElseThrow();

            assertThat(stack.target).as("%s's stack reference target", tenant).isEqualTo("(tenant=" + tenant + ")");
            assertThat(stack.boundServices).as("stacks bound to %s's instance", tenant).hasSize(1);
            assertThat(stack.boundServices[0].properties).containsEntry(TenantStack.TENANT, tenant);
            // The other tenant's stack exists and matches the reference's interface, but not its target.
            String other = tenant.equals("A") ? "B" : "A";
            assertThat(new TenantStacks(context).references(other)).hasSize(1);
            assertThat(Arrays.stream(stack.boundServices).map(service -> service.properties.get(TenantStack.TENANT)))
                    .doesNotContain(other);
        }
    }

    @Test
    public void eachInstanceGetsItsOwnDataFolder() throws Exception {
        for (String tenant : List.of("A", "B")) {
            Map<String, Object> properties = instanceOf(tenant).properties;

            assertThat(properties).containsEntry("tenant", tenant).containsEntry("service", "greeting");
            assertThat(Path.of(String.valueOf(properties.get("data.folder"))))
                    .isEqualTo(home.tenantData(tenant).resolve("greeting")).isDirectory();
        }
    }

    @Test
    public void theStatusOfEachInstanceNamesItsOwnTenantsAddress() throws Exception {
        RunningProcesses processes = new RunningProcesses(context);
        assertThat(processes.get("A", "greeting").tenant()).isEqualTo("A");
        assertThat(processes.get("B", "greeting").tenant()).isEqualTo("B");
        assertThat(processes.get("A", "greeting").status()).startsWith("tcp 192.168.1.1:7000");
    }

    /** The active instance of the example component whose configuration is {@code tenant}'s. */
    private ComponentConfigurationDTO instanceOf(String tenant) throws Exception {
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(greetingBundle(), GREETING_COMPONENT);
        assertThat(description).as("the example's component description").isNotNull();
        List<ComponentConfigurationDTO> instances = scr.getComponentConfigurationDTOs(description).stream()
                .filter(instance -> tenant.equals(instance.properties.get("tenant"))).toList();
        assertThat(instances).as("greeting instances for %s", tenant).hasSize(1);
        assertThat(instances.get(0).state).isEqualTo(ComponentConfigurationDTO.ACTIVE);
        return instances.get(0);
    }

    private Bundle greetingBundle() {
        return Arrays.stream(context.getBundles())
                .filter(bundle -> "io.multistack.example.greeting".equals(bundle.getSymbolicName()))
                .findFirst().orElse(null);
    }
}
