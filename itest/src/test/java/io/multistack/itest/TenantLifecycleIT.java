package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static io.multistack.itest.Configurations.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.multistack.api.flow.LowerMapping;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.assertj.core.groups.Tuple;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Tenants are configuration: creating, editing and deleting {@code io.multistack.tenant~NAME}
 * makes tenant stacks and lower-mapping rows appear, change and disappear within 3 seconds,
 * and a bad configuration changes nothing. Each test starts from a fresh framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class TenantLifecycleIT {
    /** What the operator contract promises for every configuration change. */
    private static final Duration APPLIED = Duration.ofSeconds(3);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private LowerMapping lowerMapping;

    private Configurations configurations;
    private TenantStacks stacks;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsAAndBOnVlans600And601WithTheSameAddress() throws Exception {
        configurations = new Configurations(configurationAdmin);
        stacks = new TenantStacks(context);
        configurations.put(TENANT, "A", tenant(600, "192.168.1.1/24"));
        configurations.put(TENANT, "B", tenant(601, "192.168.1.1/24"));
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
        });
    }

    @Test
    public void eachTenantGetsOneStackWithItsOwnSettings() throws Exception {
        assertThat(stacks.references("A")).hasSize(1);
        assertThat(stacks.references("B")).hasSize(1);
        assertThat(stacks.vlanProperty("A")).hasToString("600");
        assertThat(stacks.vlanProperty("B")).hasToString("601");

        var a = stacks.stack("A").settings();
        assertThat(a.name()).isEqualTo("A");
        assertThat(a.vlan()).isEqualTo(600);
        assertThat(a.cidr()).isEqualTo("192.168.1.1/24");
        // Default MAC: stable, derived from the VLAN (0x0258 = 600).
        assertThat(a.mac()).hasToString("02:6d:73:00:02:58");

        var b = stacks.stack("B").settings();
        assertThat(b.vlan()).isEqualTo(601);
        assertThat(b.cidr()).isEqualTo("192.168.1.1/24");
        assertThat(b.mac()).hasToString("02:6d:73:00:02:59");
    }

    @Test
    public void editingTheAddressReconfiguresTheStackLive() throws Exception {
        long b = stacks.serviceId("B");

        configurations.put(TENANT, "A", tenant(600, "192.168.1.2/24"));

        Eventually.within(APPLIED, () ->
                assertThat(stacks.stack("A").settings().cidr()).isEqualTo("192.168.1.2/24"));
        assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
        assertThat(stacks.serviceId("B")).as("B's stack is untouched").isEqualTo(b);
        assertThat(stacks.stack("B").settings().cidr()).isEqualTo("192.168.1.1/24");
    }

    @Test
    public void editingTheVlanMovesTheTenantToTheNewVlan() throws Exception {
        long b = stacks.serviceId("B");

        configurations.put(TENANT, "A", tenant(610, "192.168.1.1/24"));

        Eventually.within(APPLIED, () -> {
            assertThat(rows()).containsExactly(tuple(601, "B"), tuple(610, "A"));
            assertThat(stacks.vlanProperty("A")).hasToString("610");
            assertThat(stacks.stack("A").settings().vlan()).isEqualTo(610);
        });
        assertThat(stacks.serviceId("B")).as("B's stack is untouched").isEqualTo(b);
    }

    @Test
    public void aDuplicateVlanIsRejectedAndNeverTakesOverTheHolder() throws Exception {
        long a = stacks.serviceId("A");
        long b = stacks.serviceId("B");

        configurations.put(TENANT, "C", tenant(601, "192.168.1.1/24"));

        Eventually.throughout(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
            assertThat(stacks.serviceId("A")).isEqualTo(a);
            assertThat(stacks.serviceId("B")).isEqualTo(b);
        });
    }

    @Test
    public void invalidConfigurationsRegisterNothingAndBreakNothing() throws Exception {
        long a = stacks.serviceId("A");
        long b = stacks.serviceId("B");

        configurations.put(TENANT, "D", tenant(5000, "192.168.1.1/24"));
        configurations.put(TENANT, "E", tenant(602, "nonsense"));
        configurations.put(TENANT, "F", Map.of("vlan", "six hundred", "address", "192.168.1.1/24"));

        Eventually.throughout(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
            assertThat(stacks.serviceId("A")).isEqualTo(a);
            assertThat(stacks.serviceId("B")).isEqualTo(b);
        });
        // The flow manager still works after the rejections.
        configurations.put(TENANT, "G", tenant(603, "192.168.1.1/24"));
        Eventually.within(APPLIED, () ->
                assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"), tuple(603, "G")));
    }

    @Test
    public void deletingATenantRemovesOnlyItsStackAndRow() throws Exception {
        long b = stacks.serviceId("B");

        configurations.delete(TENANT, "A");

        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("B");
            assertThat(rows()).containsExactly(tuple(601, "B"));
        });
        assertThat(stacks.serviceId("B")).as("B's stack is untouched").isEqualTo(b);

        // The freed VLAN can be given to a new tenant.
        configurations.put(TENANT, "C", tenant(600, "192.168.1.1/24"));
        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactly(tuple(600, "C"), tuple(601, "B")));
    }

    @Test
    public void restartingTheFlowBundleBringsEveryTenantBackFromItsConfiguration() throws Exception {
        Bundle flow = bundle("io.multistack.flow");

        flow.stop();
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).isEmpty();
            assertThat(rows()).isEmpty();
        });

        flow.start();
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(rows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
        });
        // and the flows follow their configurations again
        configurations.put(TENANT, "A", tenant(602, "192.168.1.1/24"));
        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactly(tuple(601, "B"), tuple(602, "A")));
    }

    @Test
    public void whenTheLowerMappingGoesAndComesBackTheTenantsComeBackWithIt() throws Exception {
        Bundle demux = bundle("io.multistack.demux");

        demux.stop();
        Eventually.within(APPLIED, () -> assertThat(stacks.names()).isEmpty());

        demux.start();
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(currentRows()).containsExactly(tuple(600, "A"), tuple(601, "B"));
        });
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
    }

    /** The lower mapping as (VLAN, tenant) pairs, in VLAN order. */
    private List<Tuple> rows() {
        return rows(lowerMapping);
    }

    /** As {@link #rows()}, from the lower mapping registered now (the injected one is gone after a restart). */
    private List<Tuple> currentRows() {
        ServiceReference<LowerMapping> reference = context.getServiceReference(LowerMapping.class);
        assertThat(reference).as("a lower mapping is registered").isNotNull();
        try {
            return rows(context.getService(reference));
        } finally {
            context.ungetService(reference);
        }
    }

    private static List<Tuple> rows(LowerMapping mapping) {
        return mapping.rows().stream().map(row -> tuple(row.vlan(), row.tenant())).toList();
    }
}
