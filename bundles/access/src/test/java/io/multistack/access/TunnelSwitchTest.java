package io.multistack.access;

import static io.multistack.access.AccessFrames.BROADCAST;
import static io.multistack.access.AccessFrames.TENANT_MAC;
import static io.multistack.access.AccessFrames.buffer;
import static io.multistack.access.AccessFrames.consume;
import static io.multistack.access.AccessFrames.ethernet;
import static io.multistack.access.AccessFrames.innerOf;
import static io.multistack.access.AccessFrames.ip;
import static io.multistack.access.AccessFrames.tagged;
import static io.multistack.access.AccessFrames.vniOf;
import static io.multistack.access.AccessFrames.vxlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.flow.TunnelRow;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The access server's data path: sites → trunk by (remote, VNI), trunk → sites by VLAN. */
class TunnelSwitchTest {
    private static final int SITE_A = ip("198.51.100.11");
    private static final int SITE_B = ip("198.51.100.12");
    private static final int SITE_C = ip("198.51.100.13");
    private static final long HOST_MAC_A = 0x52_54_00_00_00_0aL;
    private static final long HOST_MAC_B = 0x52_54_00_00_00_0bL;

    /** What left towards a site. */
    record Sent(InetSocketAddress to, byte[] packet) {}

    private final List<byte[]> onTrunk = new ArrayList<>();
    private final List<Sent> toSites = new ArrayList<>();
    private final TunnelTable table = new TunnelTable();
    private final TunnelSwitch tunnelSwitch = new TunnelSwitch(table,
            (packet, to) -> toSites.add(new Sent(to, consume(packet))));

    {
        tunnelSwitch.trunk(new RecordingTrunk());
    }

    private final class RecordingTrunk implements Link {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void transmit(ByteBuf frame) {
            onTrunk.add(consume(frame));
        }

        @Override
        public void claim(String owner, FrameReceiver receiver) {}

        @Override
        public void release(String owner) {}

        @Override
        public String owner() {
            return null;
        }
    }

    private void fromSite(int remote, byte[] packet) {
        ByteBuf buf = buffer(packet, 0);
        tunnelSwitch.fromSite(remote, buf);
        assertThat(buf.refCnt()).as("VXLAN packet released").isZero();
    }

    private void fromTrunk(byte[] frame, int headroom) {
        ByteBuf buf = buffer(frame, headroom);
        tunnelSwitch.receive(buf);
        assertThat(buf.refCnt()).as("trunk frame released").isZero();
    }

    private TunnelRow row(String name) {
        return table.all().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().row();
    }

    private static InetSocketAddress vxlanPortOf(String remote) {
        return new InetSocketAddress(remote, 4789);
    }

    @Nested
    class FromSites {
        @Test
        void aKnownTunnelBecomesATaggedFrameOnItsVlan() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            byte[] inner = ethernet(BROADCAST, HOST_MAC_A, 46);
            fromSite(SITE_A, vxlan(100, inner));

            assertThat(onTrunk).containsExactly(tagged(inner, 600));
            assertThat(row("A")).isEqualTo(new TunnelRow("A", "198.51.100.11", 100, 600, 1, inner.length, 0, 0, 0));
            assertThat(toSites).isEmpty();
        }

        @Test
        void sitesSharingAVniAreToldApartByRemote() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            table.put(new Tunnel("B", SITE_B, 100, 601));
            byte[] fromA = ethernet(TENANT_MAC, HOST_MAC_A, 46);
            byte[] fromB = ethernet(TENANT_MAC, HOST_MAC_A, 50); // same host MAC: colliding sites

            fromSite(SITE_A, vxlan(100, fromA));
            fromSite(SITE_B, vxlan(100, fromB));

            assertThat(onTrunk).containsExactly(tagged(fromA, 600), tagged(fromB, 601));
            assertThat(row("A").packetsIn()).isEqualTo(1);
            assertThat(row("B").packetsIn()).isEqualTo(1);
        }

        @Test
        void withoutATrunkPacketsAreCountedAsDropsOfTheirTunnel() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            tunnelSwitch.trunk(null);
            fromSite(SITE_A, vxlan(100, ethernet(BROADCAST, HOST_MAC_A, 46)));

            assertThat(onTrunk).isEmpty();
            assertThat(tunnelSwitch.noTrunkDrops()).isEqualTo(1);
            assertThat(row("A").drops()).isEqualTo(1);
            assertThat(row("A").packetsIn()).isZero();

            tunnelSwitch.trunk(new RecordingTrunk());
            fromSite(SITE_A, vxlan(100, ethernet(BROADCAST, HOST_MAC_A, 46)));
            assertThat(onTrunk).hasSize(1);
        }

        @Test
        void anUnknownRemoteOrVniIsCountedAndGoesNowhere() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            fromSite(SITE_C, vxlan(100, ethernet(BROADCAST, HOST_MAC_A, 46)));
            fromSite(SITE_A, vxlan(101, ethernet(BROADCAST, HOST_MAC_A, 46)));

            assertThat(onTrunk).isEmpty();
            assertThat(tunnelSwitch.unknownTunnelDrops()).isEqualTo(2);
            assertThat(tunnelSwitch.malformedDrops()).isZero();
            assertThat(row("A").packetsIn()).isZero();
        }

        @Test
        void malformedVxlanIsCounted() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            byte[] valid = vxlan(100, ethernet(BROADCAST, HOST_MAC_A, 46));
            byte[] noVniFlag = valid.clone();
            noVniFlag[0] = 0;

            fromSite(SITE_A, noVniFlag);
            fromSite(SITE_A, Arrays.copyOf(valid, 8 + 13)); // inner frame shorter than an Ethernet header
            fromSite(SITE_A, new byte[0]);

            assertThat(onTrunk).isEmpty();
            assertThat(tunnelSwitch.malformedDrops()).isEqualTo(3);
            assertThat(tunnelSwitch.unknownTunnelDrops()).isZero();
        }
    }

    @Nested
    class ToSites {
        @Test
        void aTaggedFrameGoesToItsSitesVxlanPortWithItsVni() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            table.put(new Tunnel("B", SITE_B, 200, 601));
            byte[] inner = ethernet(HOST_MAC_A, TENANT_MAC, 46);
            fromTrunk(tagged(inner, 600), 64);

            assertThat(toSites).singleElement().satisfies(sent -> {
                assertThat(sent.to()).isEqualTo(vxlanPortOf("198.51.100.11"));
                assertThat(Arrays.copyOf(sent.packet(), 8)).containsExactly(0x08, 0, 0, 0, 0, 0, 100, 0);
                assertThat(innerOf(sent.packet())).isEqualTo(inner);
            });
            assertThat(row("A")).isEqualTo(new TunnelRow("A", "198.51.100.11", 100, 600, 0, 0, 1, 8 + inner.length, 0));
            assertThat(row("B").packetsOut()).isZero();
        }

        @Test
        void aFrameWithoutHeadroomGetsItsHeaderAnyway() {
            table.put(new Tunnel("A", SITE_A, 0xABCDEF, 600));
            byte[] inner = ethernet(HOST_MAC_A, TENANT_MAC, 46);
            fromTrunk(tagged(inner, 600), 0);

            assertThat(toSites).singleElement().satisfies(sent -> {
                assertThat(vniOf(sent.packet())).isEqualTo(0xABCDEF);
                assertThat(sent.packet()[0]).isEqualTo((byte) 0x08);
                assertThat(innerOf(sent.packet())).isEqualTo(inner);
            });
        }

        @Test
        void untaggedFramesAndVlansWithoutTunnelAreDropped() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            fromTrunk(ethernet(HOST_MAC_A, TENANT_MAC, 46), 0);
            fromTrunk(tagged(ethernet(HOST_MAC_A, TENANT_MAC, 46), 602), 0);
            fromTrunk(Arrays.copyOf(tagged(ethernet(HOST_MAC_A, TENANT_MAC, 46), 600), 16), 0);

            assertThat(toSites).isEmpty();
            assertThat(tunnelSwitch.malformedDrops()).isEqualTo(2);
            assertThat(tunnelSwitch.noTunnelForVlanDrops()).isEqualTo(1);
        }
    }

    @Nested
    class VlanWithTwoSites {
        private void twoSitesOnVlan700() {
            table.put(new Tunnel("S1", SITE_A, 100, 700));
            table.put(new Tunnel("S2", SITE_B, 200, 700));
        }

        @Test
        void aSiteReachesTheTrunkAsUsual() {
            twoSitesOnVlan700();
            byte[] inner = ethernet(BROADCAST, HOST_MAC_B, 46);
            fromSite(SITE_B, vxlan(200, inner));
            assertThat(onTrunk).containsExactly(tagged(inner, 700));
        }

        @Test
        void broadcastGoesToBothSitesEachWithItsVni() {
            twoSitesOnVlan700();
            byte[] inner = ethernet(BROADCAST, TENANT_MAC, 28);
            fromTrunk(tagged(inner, 700), 64);

            assertThat(toSites).hasSize(2);
            assertThat(toSites).anySatisfy(sent -> {
                assertThat(sent.to()).isEqualTo(vxlanPortOf("198.51.100.11"));
                assertThat(vniOf(sent.packet())).isEqualTo(100);
                assertThat(innerOf(sent.packet())).isEqualTo(inner);
            });
            assertThat(toSites).anySatisfy(sent -> {
                assertThat(sent.to()).isEqualTo(vxlanPortOf("198.51.100.12"));
                assertThat(vniOf(sent.packet())).isEqualTo(200);
                assertThat(innerOf(sent.packet())).isEqualTo(inner);
            });
        }

        @Test
        void unicastGoesOnlyToTheSiteWhereTheMacWasLearned() {
            twoSitesOnVlan700();
            fromSite(SITE_B, vxlan(200, ethernet(BROADCAST, HOST_MAC_B, 28)));
            fromSite(SITE_A, vxlan(100, ethernet(BROADCAST, HOST_MAC_A, 28)));

            byte[] toB = ethernet(HOST_MAC_B, TENANT_MAC, 46);
            fromTrunk(tagged(toB, 700), 64);
            assertThat(toSites).singleElement().satisfies(sent -> {
                assertThat(sent.to()).isEqualTo(vxlanPortOf("198.51.100.12"));
                assertThat(innerOf(sent.packet())).isEqualTo(toB);
            });

            toSites.clear();
            fromTrunk(tagged(ethernet(HOST_MAC_A, TENANT_MAC, 46), 700), 0);
            assertThat(toSites).extracting(Sent::to).containsExactly(vxlanPortOf("198.51.100.11"));
        }

        @Test
        void anUnknownUnicastIsFlooded() {
            twoSitesOnVlan700();
            fromTrunk(tagged(ethernet(HOST_MAC_A, TENANT_MAC, 46), 700), 64);
            assertThat(toSites).extracting(Sent::to)
                    .containsExactlyInAnyOrder(vxlanPortOf("198.51.100.11"), vxlanPortOf("198.51.100.12"));
        }

        @Test
        void aRemovedSiteIsNoLongerADestination() {
            twoSitesOnVlan700();
            fromSite(SITE_B, vxlan(200, ethernet(BROADCAST, HOST_MAC_B, 28)));
            table.put(new Tunnel("S3", SITE_C, 300, 700));
            table.remove("S2");

            fromTrunk(tagged(ethernet(HOST_MAC_B, TENANT_MAC, 46), 700), 64);
            assertThat(toSites).extracting(Sent::to)
                    .containsExactlyInAnyOrder(vxlanPortOf("198.51.100.11"), vxlanPortOf("198.51.100.13"));
        }

        @Test
        void aMulticastSourceIsNotLearned() {
            twoSitesOnVlan700();
            long multicast = 0x01_00_5e_00_00_01L;
            fromSite(SITE_B, vxlan(200, ethernet(BROADCAST, multicast, 28)));

            fromTrunk(tagged(ethernet(multicast, TENANT_MAC, 46), 700), 64);
            assertThat(toSites).hasSize(2);
        }
    }

    /** The production underlay drops when its queue is full: the tunnel counts a drop, not a packet out. */
    @Nested
    class UnderlayThatRefuses {
        private final TunnelSwitch refusing = new TunnelSwitch(table, (packet, to) -> {
            packet.release();
            return false;
        });

        @Test
        void aRefusedPacketIsADropOfItsTunnel() {
            table.put(new Tunnel("A", SITE_A, 100, 600));
            ByteBuf frame = buffer(tagged(ethernet(HOST_MAC_A, TENANT_MAC, 46), 600), 64);
            refusing.receive(frame);

            assertThat(frame.refCnt()).isZero();
            assertThat(row("A")).isEqualTo(new TunnelRow("A", "198.51.100.11", 100, 600, 0, 0, 0, 0, 1));
        }
    }

    /** The production underlay writes asynchronously: every copy must stay intact until it is released. */
    @Nested
    class UnderlayThatHoldsPackets {
        private final List<ByteBuf> held = new ArrayList<>();
        private final List<InetSocketAddress> heldTo = new ArrayList<>();
        private final TunnelSwitch holding = new TunnelSwitch(table, (packet, to) -> {
            held.add(packet);
            return heldTo.add(to);
        });

        @Test
        void floodedCopiesKeepTheirOwnVniUntilReleased() {
            table.put(new Tunnel("S1", SITE_A, 100, 700));
            table.put(new Tunnel("S2", SITE_B, 200, 700));
            table.put(new Tunnel("S3", SITE_C, 300, 700));
            byte[] inner = ethernet(BROADCAST, TENANT_MAC, 28);
            ByteBuf frame = buffer(tagged(inner, 700), 64);
            holding.receive(frame);

            assertThat(held).hasSize(3);
            List<Integer> vnis = new ArrayList<>();
            for (ByteBuf packet : held) {
                byte[] bytes = consume(packet);
                vnis.add(vniOf(bytes));
                assertThat(innerOf(bytes)).isEqualTo(inner);
            }
            assertThat(vnis).containsExactlyInAnyOrder(100, 200, 300);
            assertThat(heldTo).hasSize(3);
            assertThat(frame.refCnt()).as("all copies released").isZero();
        }
    }
}
