package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static io.multistack.itest.Configurations.TUNNEL;
import static io.multistack.itest.Configurations.VXLAN_ENDPOINT;
import static io.multistack.itest.Configurations.endpoint;
import static io.multistack.itest.Configurations.tenant;
import static io.multistack.itest.Configurations.tunnel;
import static io.multistack.itest.Shell.linesWithWords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.VlanRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The operator's Gogo commands, run through the CommandProcessor service as the console runs
 * them. ({@code net:arp} after a site host spoke is checked in {@link VxlanPingIT}.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellIT {
    private static final Duration APPLIED = Duration.ofSeconds(3);
    private static final int VNI = 100;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private LowerMapping lowerMapping;

    @Inject
    private CommandProcessor commandProcessor;

    private Shell shell;
    private EtcFolder etc;
    private int port;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsAAndBAndATunnelToA() throws Exception {
        shell = new Shell(commandProcessor);
        etc = new EtcFolder(context);
        Configurations configurations = new Configurations(configurationAdmin);
        port = FreePort.udp();
        configurations.put(VXLAN_ENDPOINT, endpoint("127.0.0.1:" + port));
        configurations.put(TENANT, "A", tenant(600, "192.168.1.1/24"));
        configurations.put(TENANT, "B", tenant(601, "192.168.1.1/24"));
        configurations.put(TUNNEL, "siteA", tunnel("127.0.0.1", VNI, 600));

        AccessTable table = Services.await(context, AccessTable.class, APPLIED);
        TenantStacks stacks = new TenantStacks(context);
        Eventually.within(APPLIED, () -> {
            assertThat(table.listenAddress()).isEqualTo("127.0.0.1:" + port);
            assertThat(table.tunnels()).hasSize(1);
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(lowerMapping.rows()).hasSize(2);
        });
    }

    @After
    public void removeFilesWrittenByCommands() throws Exception {
        etc.clear();
    }

    @Test
    public void tenantListShowsNameVlanAddressAndMacOfEachTenant() throws Exception {
        String output = shell.run("tenant:list");

        assertThat(linesWithWords(output, "A", "600", "02:6d:73:00:02:58"))
                .as("tenant:list line of A:%n%s", output)
                .singleElement().asString().containsPattern("192\\.168\\.1\\.1(/24)?(?![\\d.])");
        assertThat(linesWithWords(output, "B", "601", "02:6d:73:00:02:59"))
                .as("tenant:list line of B:%n%s", output)
                .singleElement().asString().containsPattern("192\\.168\\.1\\.1(/24)?(?![\\d.])");
    }

    @Test
    public void flowTableShowsTheVlanRowsAndTheTunnelRow() throws Exception {
        String output = shell.run("flow:table");

        assertThat(linesWithWords(output, "600", "A")).as("flow:table VLAN row of A:%n%s", output).isNotEmpty();
        assertThat(linesWithWords(output, "601", "B")).as("flow:table VLAN row of B:%n%s", output).isNotEmpty();
        assertThat(linesWithWords(output, "127.0.0.1", Integer.toString(VNI), "600"))
                .as("flow:table tunnel row (remote 127.0.0.1, VNI 100, VLAN 600):%n%s", output)
                .isNotEmpty();
    }

    @Test
    public void tenantAddWritesTheTenantFileAndTheTenantComesUp() throws Exception {
        String output = shell.run("tenant:add D 603 192.168.1.1/24");

        assertThat(output).contains("D");
        Path file = etc.file("io.multistack.tenant~D.cfg");
        assertThat(file).exists();
        assertThat(Files.readAllLines(file)).anyMatch(line -> line.matches("vlan\\s*=\\s*603"))
                .anyMatch(line -> line.matches("address\\s*=\\s*192\\.168\\.1\\.1/24"));
        // tenant:add returns once the tenant is up
        assertThat(new TenantStacks(context).names()).containsExactly("A", "B", "D");
        assertThat(linesWithWords(shell.run("tenant:list"), "D", "603")).hasSize(1);
    }

    @Test
    public void tenantRemoveDeletesTheFileAndOnlyThatTenant() throws Exception {
        shell.run("tenant:add D 603 192.168.1.1/24");
        TenantStacks stacks = new TenantStacks(context);
        long a = stacks.serviceId("A");

        shell.run("tenant:remove D");

        assertThat(etc.file("io.multistack.tenant~D.cfg")).doesNotExist();
        assertThat(stacks.names()).containsExactly("A", "B");
        assertThat(stacks.serviceId("A")).isEqualTo(a);
        assertThat(lowerMapping.rows()).extracting(VlanRow::vlan).containsExactly(600, 601);
    }

    @Test
    public void tenantAddRefusesAVlanInUseAndWritesNothing() throws Exception {
        assertThatThrownBy(() -> shell.run("tenant:add C 600 192.168.1.1/24")).hasMessageContaining("600");
        assertThat(etc.file("io.multistack.tenant~C.cfg")).doesNotExist();
        assertThat(new TenantStacks(context).names()).containsExactly("A", "B");
    }

    @Test
    public void commandsNamingAnUnknownTenantFail() {
        assertThatThrownBy(() -> shell.run("net:arp Z")).as("net:arp Z").hasMessageContaining("Z");
    }
}
