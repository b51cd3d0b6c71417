package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TunnelRow;
import io.multistack.api.flow.VlanRow;
import java.time.Duration;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;

/**
 * The operator's files: creating, editing and deleting {@code etc/*.cfg} (watched by
 * FileInstall, {@code FACTORY~NAME.cfg} turned into named factory configurations by the etc
 * bundle) takes effect within 3 seconds, and a bad file is rejected without harm.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class EtcFilesIT {
    private static final Duration APPLIED = Duration.ofSeconds(3);

    @Inject
    private BundleContext context;

    @Inject
    private LowerMapping lowerMapping;

    private EtcFolder etc;
    private TenantStacks stacks;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void emptyEtc() {
        etc = new EtcFolder(context);
        stacks = new TenantStacks(context);
    }

    @After
    public void removeTheFiles() throws Exception {
        etc.clear();
    }

    @Test
    public void aTenantFileCreatesChangesAndRemovesTheTenant() throws Exception {
        etc.write("io.multistack.tenant~A.cfg", "vlan = 600", "address = 192.168.1.1/24");
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.stack("A").settings().cidr()).isEqualTo("192.168.1.1/24");
            assertThat(lowerMapping.rows()).extracting(VlanRow::vlan, VlanRow::tenant).containsExactly(tuple(600, "A"));
        });

        etc.write("io.multistack.tenant~A.cfg", "vlan = 600", "address = 192.168.7.1/24");
        Eventually.within(APPLIED, () ->
                assertThat(stacks.stack("A").settings().cidr()).isEqualTo("192.168.7.1/24"));

        etc.delete("io.multistack.tenant~A.cfg");
        Eventually.within(APPLIED, () -> {
            assertThat(stacks.names()).isEmpty();
            assertThat(lowerMapping.rows()).isEmpty();
        });
    }

    @Test
    public void endpointAndTunnelFilesConfigureTheAccessServer() throws Exception {
        int port = FreePort.udp();
        etc.write("io.multistack.access.vxlan.cfg", "listen = 127.0.0.1:" + port);
        etc.write("io.multistack.access.tunnel~siteA.cfg", "remote = 198.51.100.11", "vni = 100", "vlan = 600");

        AccessTable table = Services.await(context, AccessTable.class, APPLIED);
        Eventually.within(APPLIED, () -> {
            assertThat(table.listenAddress()).isEqualTo("127.0.0.1:" + port);
            assertThat(table.tunnels()).extracting(TunnelRow::name, TunnelRow::remote, TunnelRow::vni, TunnelRow::vlan)
                    .containsExactly(tuple("siteA", "198.51.100.11", 100, 600));
        });

        etc.delete("io.multistack.access.tunnel~siteA.cfg");
        Eventually.within(APPLIED, () -> assertThat(table.tunnels()).isEmpty());
    }

    @Test
    public void aBadTenantFileIsRejectedAndTouchesNoOtherTenant() throws Exception {
        etc.write("io.multistack.tenant~A.cfg", "vlan = 600", "address = 192.168.1.1/24");
        Eventually.within(APPLIED, () -> assertThat(stacks.names()).containsExactly("A"));
        long a = stacks.serviceId("A");

        etc.write("io.multistack.tenant~X.cfg", "vlan = 600", "address = 192.168.1.1/24"); // A's VLAN
        etc.write("io.multistack.tenant~Y.cfg", "vlan = 601", "address = 192.168.1.1/33");
        etc.write("io.multistack.tenant~Z.cfg", "vlan = 602", "address = 192.168.1.1/24", "mac = 02:00:zz:00:00:01");

        Eventually.throughout(APPLIED, () -> {
            assertThat(stacks.names()).containsExactly("A");
            assertThat(stacks.serviceId("A")).isEqualTo(a);
            assertThat(lowerMapping.rows()).extracting(VlanRow::vlan, VlanRow::tenant).containsExactly(tuple(600, "A"));
        });
    }
}
