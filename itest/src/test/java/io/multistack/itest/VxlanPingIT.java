package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static io.multistack.itest.Configurations.TUNNEL;
import static io.multistack.itest.Configurations.VXLAN_ENDPOINT;
import static io.multistack.itest.Configurations.endpoint;
import static io.multistack.itest.Configurations.tenant;
import static io.multistack.itest.Configurations.tunnel;
import static org.assertj.core.api.Assertions.assertThat;
import static io.multistack.itest.Shell.linesWithWords;
import static org.assertj.core.api.Assertions.tuple;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TunnelRow;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.loop.DataPathLoops;
import io.multistack.api.stack.TenantStack;
import io.multistack.itest.Packets.Arp;
import io.multistack.itest.Packets.Ethernet;
import io.multistack.itest.Packets.IcmpEcho;
import io.multistack.itest.Packets.Ipv4;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The whole path inside one framework: a site host (this test, on 127.0.0.1:4789) sends
 * Ethernet frames through a VXLAN tunnel to the appliance's endpoint; the access table maps
 * (127.0.0.1, VNI 100) to VLAN 600; the demux hands them to tenant A, whose stack answers
 * ARP and ICMP echo back along the same way. Tenant B (VLAN 601, VNI 101) has the same address.
 */
@RunWith(PaxExamWithSiteHost.class)
@ExamReactorStrategy(PerMethod.class)
public class VxlanPingIT {
    private static final Duration APPLIED = Duration.ofSeconds(3);
    private static final String TENANT_MAC = "02:6d:73:00:02:58"; // default for VLAN 600
    private static final String TENANT_IP = "192.168.1.1";
    private static final String HOST_MAC = "02:00:00:00:00:10";
    private static final String HOST_IP = "192.168.1.10";
    private static final int VNI = 100;
    private static final int VNI_B = 101;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private LowerMapping lowerMapping;

    @Inject
    private CommandProcessor commandProcessor;

    @Inject
    private DataPathLoops dataPathLoops;

    private SiteHost host;
    private int port;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsAAndBBehindTunnelsFromLoopback() throws Exception {
        Configurations configurations = new Configurations(configurationAdmin);
        port = FreePort.udp();
        configurations.put(VXLAN_ENDPOINT, endpoint("127.0.0.1:" + port));
        configurations.put(TENANT, "A", tenant(600, TENANT_IP + "/24"));
        configurations.put(TENANT, "B", tenant(601, TENANT_IP + "/24")); // the same address as A
        configurations.put(TUNNEL, "siteA", tunnel("127.0.0.1", VNI, 600));
        configurations.put(TUNNEL, "siteB", tunnel("127.0.0.1", VNI_B, 601)); // same remote, other VNI

        AccessTable table = Services.await(context, AccessTable.class, APPLIED);
        TenantStacks stacks = new TenantStacks(context);
        Eventually.within(APPLIED, () -> {
            assertThat(table.listenAddress()).isEqualTo("127.0.0.1:" + port);
            assertThat(table.tunnels()).extracting(TunnelRow::remote, TunnelRow::vni, TunnelRow::vlan)
                    .containsExactlyInAnyOrder(tuple("127.0.0.1", VNI, 600), tuple("127.0.0.1", VNI_B, 601));
            assertThat(stacks.names()).containsExactly("A", "B");
            assertThat(lowerMapping.rows()).extracting(VlanRow::vlan, VlanRow::tenant)
                    .containsExactly(tuple(600, "A"), tuple(601, "B"));
        });
        host = SiteHost.bind(port, VNI, HOST_MAC, HOST_IP);
    }

    @After
    public void closeHost() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    public void tenantAnswersArpWithItsOwnMac() throws Exception {
        Ethernet reply = resolveTenantMac();

        assertThat(Packets.mac(reply.source())).isEqualTo(TENANT_MAC);
        assertThat(Packets.mac(reply.destination())).isEqualTo(HOST_MAC);
        Arp arp = Arp.parse(reply.payload());
        assertThat(arp.operation()).isEqualTo(Arp.REPLY);
        assertThat(Packets.mac(arp.senderMac())).isEqualTo(TENANT_MAC);
        assertThat(arp.senderIp()).isEqualTo(Packets.ipv4(TENANT_IP));
        assertThat(Packets.mac(arp.targetMac())).isEqualTo(HOST_MAC);
        assertThat(arp.targetIp()).isEqualTo(Packets.ipv4(HOST_IP));
    }

    @Test
    public void identicalHostsAtTwoSitesAreEachAnsweredByTheirOwnTenant() throws Exception {
        assertThat(Packets.mac(resolveTenantMac().source())).as("MAC answering site A").isEqualTo(TENANT_MAC);

        host.close();
        // Site B: the same host MAC and address, behind VNI 101.
        host = SiteHost.bind(port, VNI_B, HOST_MAC, HOST_IP);

        assertThat(Packets.mac(resolveTenantMac().source())).as("MAC answering site B").isEqualTo("02:6d:73:00:02:59");
    }

    /** Placement and steering follow one rule: the stack runs on the loop whose socket its MAC selects. */
    @Test
    public void eachTenantRunsOnTheDataPathLoopItsMacSelects() throws Exception {
        TenantStacks stacks = new TenantStacks(context);
        TenantStack a = stacks.stack("A");
        TenantStack b = stacks.stack("B");
        assertThat(a.transport().eventLoop()).isSameAs(dataPathLoops.loopFor(a.settings().mac()));
        assertThat(b.transport().eventLoop()).isSameAs(dataPathLoops.loopFor(b.settings().mac()));
        if (dataPathLoops.loops().size() > 1) {
            // VLANs 600 and 601: MACs ending in 0x58 and 0x59 take neighbouring loops
            assertThat(a.transport().eventLoop()).isNotSameAs(b.transport().eventLoop());
        }
        // and each is reached through the steered sockets
        assertThat(Packets.mac(resolveTenantMac().source())).as("MAC answering site A").isEqualTo(TENANT_MAC);
        host.close();
        host = SiteHost.bind(port, VNI_B, HOST_MAC, HOST_IP);
        assertThat(Packets.mac(resolveTenantMac().source())).as("MAC answering site B").isEqualTo("02:6d:73:00:02:59");
    }

    @Test
    public void tenantAnswersPingWithAValidEchoReply() throws Exception {
        byte[] tenantMac = resolveTenantMac().source();
        byte[] data = new byte[56]; // ping's default size, with its usual pattern
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0x10 + i);
        }
        IcmpEcho request = IcmpEcho.request(0x1234, 7, data);
        host.send(new Ethernet(tenantMac, host.mac(), Packets.ETHERTYPE_IPV4,
                Ipv4.of(0x4242, Packets.PROTOCOL_ICMP, host.ip(), Packets.ipv4(TENANT_IP), request.bytes()).bytes()));

        Ethernet frame = host.receive(Duration.ofSeconds(2), VxlanPingIT::isIcmp)
                .orElseThrow(() -> new AssertionError("no ICMP answer within 2 s; other frames: " + host.otherFrames()));

        assertThat(Packets.mac(frame.source())).isEqualTo(TENANT_MAC);
        assertThat(Packets.mac(frame.destination())).isEqualTo(HOST_MAC);
        Ipv4 ip = Ipv4.parse(frame.payload());
        assertThat(ip.headerChecksumValid()).as("IPv4 header checksum is valid").isTrue();
        assertThat(ip.source()).isEqualTo(Packets.ipv4(TENANT_IP));
        assertThat(ip.destination()).isEqualTo(host.ip());
        assertThat(ip.ttl()).isPositive();
        IcmpEcho reply = IcmpEcho.parse(ip.payload());
        assertThat(reply.checksumValid()).as("ICMP checksum is valid").isTrue();
        assertThat(reply.type()).as("ICMP type (0 = echo reply)").isEqualTo(IcmpEcho.REPLY);
        assertThat(reply.code()).isZero();
        assertThat(reply.identifier()).isEqualTo(0x1234);
        assertThat(reply.sequence()).isEqualTo(7);
        assertThat(reply.data()).isEqualTo(data);
    }

    @Test
    public void netArpShowsTheSiteHostInTenantAOnly() throws Exception {
        Shell shell = new Shell(commandProcessor);
        assertThat(linesWithWords(shell.run("net:arp A"), HOST_IP)).as("nothing learned yet").isEmpty();

        resolveTenantMac(); // tenant A learns the host from its ARP request

        Eventually.within(Duration.ofSeconds(1), () -> {
            String output = shell.run("net:arp A");
            assertThat(linesWithWords(output, HOST_IP, HOST_MAC)).as("net:arp A:%n%s", output).hasSize(1);
        });
        String tenantB = shell.run("net:arp B");
        assertThat(linesWithWords(tenantB, HOST_IP)).as("net:arp B:%n%s", tenantB).isEmpty();
    }

    @Test
    public void netPingFromTenantAIsAnsweredByTheSiteHost() throws Exception {
        Shell shell = new Shell(commandProcessor);
        ExecutorService operator = Executors.newSingleThreadExecutor();
        try {
            Future<String> ping = operator.submit(() -> shell.run("net:ping A " + HOST_IP + " 1"));

            // The host answers the stack's ARP request by itself while waiting for the echo request.
            Ethernet frame = host.receive(Duration.ofSeconds(3), VxlanPingIT::isIcmp)
                    .orElseThrow(() -> new AssertionError("no echo request within 3 s; other frames: "
                            + host.otherFrames()));
            assertThat(Packets.mac(frame.source())).isEqualTo(TENANT_MAC);
            Ipv4 ip = Ipv4.parse(frame.payload());
            assertThat(ip.headerChecksumValid()).as("IPv4 header checksum is valid").isTrue();
            assertThat(ip.source()).isEqualTo(Packets.ipv4(TENANT_IP));
            assertThat(ip.destination()).isEqualTo(host.ip());
            IcmpEcho request = IcmpEcho.parse(ip.payload());
            assertThat(request.checksumValid()).as("ICMP checksum is valid").isTrue();
            assertThat(request.type()).as("ICMP type (8 = echo request)").isEqualTo(IcmpEcho.REQUEST);

            IcmpEcho reply = new IcmpEcho(IcmpEcho.REPLY, 0, request.identifier(), request.sequence(),
                    request.data(), true);
            host.send(new Ethernet(frame.source(), host.mac(), Packets.ETHERTYPE_IPV4,
                    Ipv4.of(1, Packets.PROTOCOL_ICMP, host.ip(), ip.source(), reply.bytes()).bytes()));

            String output = ping.get(5, TimeUnit.SECONDS);
            assertThat(output).as("net:ping output").contains("1 transmitted, 1 received");
        } finally {
            operator.shutdownNow();
        }
    }

    @Test
    public void countersShowTheTunnelAndVlanTraffic() throws Exception {
        resolveTenantMac();

        AccessTable table = Services.await(context, AccessTable.class, APPLIED);
        Eventually.within(Duration.ofSeconds(1), () -> {
            TunnelRow siteA = tunnelRow(table, "siteA");
            assertThat(siteA.packetsIn()).as("siteA packets in").isPositive();
            assertThat(siteA.packetsOut()).as("siteA packets out").isPositive();
            VlanRow vlan600 = vlanRow(600);
            assertThat(vlan600.framesIn()).as("VLAN 600 frames in").isPositive();
            assertThat(vlan600.framesOut()).as("VLAN 600 frames out").isPositive();
        });
        // Nothing came from site B, so nothing reached tenant B.
        assertThat(tunnelRow(table, "siteB").packetsIn()).as("siteB packets in").isZero();
        assertThat(vlanRow(601).framesIn()).as("VLAN 601 frames in").isZero();
    }

    private static TunnelRow tunnelRow(AccessTable table, String name) {
        return table.tunnels().stream().filter(row -> row.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tunnel row " + name + " in " + table.tunnels()));
    }

    private VlanRow vlanRow(int vlan) {
        return lowerMapping.rows().stream().filter(row -> row.vlan() == vlan).findFirst()
                .orElseThrow(() -> new AssertionError("no row for VLAN " + vlan + " in " + lowerMapping.rows()));
    }

    /**
     * ARP for the tenant's address as a host does: up to three requests a second apart.
     * Returns the reply frame.
     */
    private Ethernet resolveTenantMac() throws Exception {
        Arp request = Arp.request(host.mac(), host.ip(), Packets.ipv4(TENANT_IP));
        Ethernet broadcast = new Ethernet(Packets.mac("ff:ff:ff:ff:ff:ff"), host.mac(),
                Packets.ETHERTYPE_ARP, request.bytes());
        for (int attempt = 0; attempt < 3; attempt++) {
            host.send(broadcast);
            Optional<Ethernet> reply = host.receive(Duration.ofSeconds(1), VxlanPingIT::isArpReplyToHost);
            if (reply.isPresent()) {
                return reply.get();
            }
        }
        throw new AssertionError("no ARP reply for " + TENANT_IP + " after 3 requests; other frames: "
                + host.otherFrames());
    }

    private static boolean isArpReplyToHost(Ethernet frame) {
        if (frame.etherType() != Packets.ETHERTYPE_ARP) {
            return false;
        }
        Arp arp = Arp.parse(frame.payload());
        return arp.operation() == Arp.REPLY && Arrays.equals(arp.targetIp(), Packets.ipv4(HOST_IP));
    }

    private static boolean isIcmp(Ethernet frame) {
        return frame.etherType() == Packets.ETHERTYPE_IPV4
                && Ipv4.parse(frame.payload()).protocol() == Packets.PROTOCOL_ICMP;
    }
}
