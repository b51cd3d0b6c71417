package io.multistack.itest;

import static io.multistack.itest.Configurations.TUNNEL;
import static io.multistack.itest.Configurations.VXLAN_ENDPOINT;
import static io.multistack.itest.Configurations.endpoint;
import static io.multistack.itest.Configurations.tunnel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.multistack.api.flow.AccessTable;
import java.time.Duration;
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
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The access server from configuration: the VXLAN endpoint listens where
 * {@code io.multistack.access.vxlan} says, and {@code io.multistack.access.tunnel~NAME} rows
 * appear in, change in and disappear from the access table within 3 seconds.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class AccessTableIT {
    private static final Duration APPLIED = Duration.ofSeconds(3);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private Configurations configurations;
    private int port;
    private AccessTable table;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void endpointOnAFreeLoopbackPort() throws Exception {
        configurations = new Configurations(configurationAdmin);
        port = FreePort.udp();
        configurations.put(VXLAN_ENDPOINT, endpoint("127.0.0.1:" + port));
        table = Services.await(context, AccessTable.class, APPLIED);
    }

    @Test
    public void theEndpointListensWhereConfigured() throws Exception {
        Eventually.within(APPLIED, () -> {
            assertThat(table.listenAddress()).isEqualTo("127.0.0.1:" + port);
            assertThat(FreePort.isBound(port)).as("UDP 127.0.0.1:%d is bound", port).isTrue();
        });

        int moved = FreePort.udp();
        configurations.put(VXLAN_ENDPOINT, endpoint("127.0.0.1:" + moved));

        Eventually.within(APPLIED, () -> {
            assertThat(table.listenAddress()).isEqualTo("127.0.0.1:" + moved);
            assertThat(FreePort.isBound(moved)).as("UDP 127.0.0.1:%d is bound", moved).isTrue();
            assertThat(FreePort.isBound(port)).as("old port %d is released", port).isFalse();
        });
    }

    @Test
    public void tunnelRowsAppearChangeAndDisappear() throws Exception {
        configurations.put(TUNNEL, "siteA", tunnel("198.51.100.11", 100, 600));
        configurations.put(TUNNEL, "siteB", tunnel("198.51.100.12", 100, 601));

        // Two sites share VNI 100 and are told apart by their remote address.
        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactlyInAnyOrder(
                tuple("siteA", "198.51.100.11", 100, 600),
                tuple("siteB", "198.51.100.12", 100, 601)));

        configurations.put(TUNNEL, "siteA", tunnel("198.51.100.13", 200, 602));

        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactlyInAnyOrder(
                tuple("siteA", "198.51.100.13", 200, 602),
                tuple("siteB", "198.51.100.12", 100, 601)));

        configurations.delete(TUNNEL, "siteA");

        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactly(
                tuple("siteB", "198.51.100.12", 100, 601)));
    }

    @Test
    public void invalidTunnelRowsAreRejectedAndChangeNothing() throws Exception {
        configurations.put(TUNNEL, "siteA", tunnel("198.51.100.11", 100, 600));
        Eventually.within(APPLIED, () -> assertThat(rows()).containsExactly(
                tuple("siteA", "198.51.100.11", 100, 600)));

        // A VNI has 24 bits; VLAN IDs are 1..4094; the remote is an IPv4 address.
        configurations.put(TUNNEL, "bigVni", tunnel("198.51.100.12", 1 << 24, 601));
        configurations.put(TUNNEL, "badVlan", tunnel("198.51.100.13", 100, 4095));
        configurations.put(TUNNEL, "badRemote", Map.of("remote", "nonsense", "vni", "100", "vlan", "602"));

        Eventually.throughout(APPLIED, () -> assertThat(rows()).containsExactly(
                tuple("siteA", "198.51.100.11", 100, 600)));
    }

    /** The access table as (name, remote, VNI, VLAN). */
    private List<Tuple> rows() {
        return table.tunnels().stream()
                .map(row -> tuple(row.name(), row.remote(), row.vni(), row.vlan()))
                .toList();
    }
}
