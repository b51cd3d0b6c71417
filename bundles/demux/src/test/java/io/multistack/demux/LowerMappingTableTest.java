package io.multistack.demux;

import static io.multistack.demux.TestFrames.buffer;
import static io.multistack.demux.TestFrames.tagged;
import static io.multistack.demux.TestFrames.untagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TrunkRow;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import io.multistack.api.link.LinkOwnership;
import io.multistack.demux.Recorders.Receiver;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The lower mapping over named links: trunks, whole links, links that come and go, one owner per link. */
class LowerMappingTableTest {
    private final LowerMappingTable table = new LowerMappingTable();
    private final Receiver tenantA = new Receiver();
    private final Receiver tenantB = new Receiver();

    /** A real link as the links bundle offers it: claimable, keeps what is sent on it. */
    private static final class FakeLink implements Link {
        final Deque<byte[]> sent = new ArrayDeque<>();
        final LinkOwnership ownership;
        final String name;
        String state = "up";

        FakeLink(String name) {
            this.name = name;
            this.ownership = new LinkOwnership(name);
        }

        /** A frame arriving from the wire. */
        void arrive(byte[] bytes) {
            FrameReceiver receiver = ownership.receiver();
            ByteBuf frame = buffer(bytes, 4);
            if (receiver == null) {
                frame.release();
            } else {
                receiver.receive(frame);
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int mtu() {
            return 9000;
        }

        @Override
        public void transmit(ByteBuf frame) {
            sent.addLast(Recorders.consume(frame));
        }

        @Override
        public void claim(String owner, FrameReceiver receiver) throws LinkInUseException {
            ownership.claim(owner, receiver);
        }

        @Override
        public void release(String owner) {
            ownership.release(owner);
        }

        @Override
        public String owner() {
            return ownership.owner();
        }

        @Override
        public String state() {
            return state;
        }
    }

    @Test
    void aBindingToAnAbsentLinkWaitsAndFlowsOnceTheLinkAppears() throws Exception {
        Device device = table.attach("t1", 600, "A", tenantA);
        device.transmit(buffer(untagged(28), 64));

        assertThat(table.rows()).extracting(VlanRow::link, VlanRow::vlan, VlanRow::tenant, VlanRow::state,
                VlanRow::drops).containsExactly(tuple("t1", 600, "A", "link absent", 1L));

        FakeLink t1 = new FakeLink("t1");
        table.linkAdded(t1);
        byte[] in = untagged(46);
        t1.arrive(tagged(in, 600));
        byte[] out = untagged(28);
        device.transmit(buffer(out, 64));

        assertThat(t1.owner()).isEqualTo(LowerMappingTable.DEMUX_OWNER);
        assertThat(tenantA.frames).containsExactly(in);
        assertThat(t1.sent).containsExactly(tagged(out, 600));
        assertThat(device.mtu()).isEqualTo(9000);
        assertThat(table.rows()).extracting(VlanRow::state).containsExactly("up");
    }

    @Test
    void theSameVlanOnTwoTrunksIsTwoTenants() throws Exception {
        FakeLink t1 = new FakeLink("t1");
        FakeLink t2 = new FakeLink("t2");
        table.linkAdded(t1);
        table.linkAdded(t2);
        table.attach("t1", 600, "A", tenantA);
        table.attach("t2", 600, "B", tenantB);
        byte[] one = untagged(46);
        byte[] two = untagged(50);
        t1.arrive(tagged(one, 600));
        t2.arrive(tagged(two, 600));

        assertThat(tenantA.frames).containsExactly(one);
        assertThat(tenantB.frames).containsExactly(two);
        assertThat(table.rows()).extracting(VlanRow::link, VlanRow::vlan, VlanRow::tenant)
                .containsExactly(tuple("t1", 600, "A"), tuple("t2", 600, "B"));
    }

    @Test
    void aVlanTakenOnOneTrunkIsRefusedNamingTheTrunkAndTheHolder() throws Exception {
        table.attach("t1", 600, "A", tenantA);

        assertThatThrownBy(() -> table.attach("t1", 600, "B", tenantB)).isInstanceOf(VlanInUseException.class)
                .hasMessage("VLAN 600 of trunk t1 is already used by tenant A");
    }

    @Test
    void aWholeLinkCarriesUntaggedFramesBothWays() throws Exception {
        FakeLink w = new FakeLink("w");
        table.linkAdded(w);
        Device device = table.attach("w", LowerMapping.WHOLE_LINK, "W", tenantA);
        byte[] in = untagged(46);
        w.arrive(in);
        byte[] out = untagged(28);
        device.transmit(buffer(out, 0));

        assertThat(tenantA.frames).containsExactly(in);
        assertThat(w.sent).containsExactly(out);
        assertThat(w.owner()).isEqualTo("tenant W");
        assertThat(device.vlan()).isZero();
        assertThat(device.link()).isEqualTo("w");
        assertThat(table.rows()).extracting(VlanRow::link, VlanRow::vlan, VlanRow::tenant, VlanRow::framesIn,
                VlanRow::framesOut).containsExactly(tuple("w", 0, "W", 1L, 1L));
        assertThat(table.trunks()).isEmpty();
    }

    @Test
    void aLinkHasOneUse() throws Exception {
        table.attach("w", LowerMapping.WHOLE_LINK, "W", tenantA);
        table.attach("t", 600, "A", tenantA);

        assertThatThrownBy(() -> table.attach("w", LowerMapping.WHOLE_LINK, "X", tenantB))
                .isInstanceOf(LinkInUseException.class).hasMessageContaining("tenant W");
        assertThatThrownBy(() -> table.attach("w", 601, "X", tenantB))
                .isInstanceOf(LinkInUseException.class).hasMessageContaining("tenant W");
        assertThatThrownBy(() -> table.attach("t", LowerMapping.WHOLE_LINK, "X", tenantB))
                .isInstanceOf(LinkInUseException.class).hasMessageContaining("VLAN demux");
    }

    @Test
    void aLinkHeldByTheAccessServerIsRefusedAndTheAccessServerKeepsIt() throws Exception {
        FakeLink t = new FakeLink("t");
        Receiver access = new Receiver();
        t.claim("access server", access);
        table.linkAdded(t);

        assertThatThrownBy(() -> table.attach("t", 600, "A", tenantA)).isInstanceOf(LinkInUseException.class)
                .hasMessage("link t is already used by access server");
        assertThatThrownBy(() -> table.attach("t", LowerMapping.WHOLE_LINK, "A", tenantA))
                .isInstanceOf(LinkInUseException.class);
        assertThat(table.rows()).isEmpty();
        t.arrive(untagged(46));
        assertThat(access.frames).hasSize(1);
    }

    @Test
    void aLinkThatAppearsHeldLeavesItsTenantsWaitingWithTheReason() throws Exception {
        table.attach("t", 600, "A", tenantA);
        FakeLink t = new FakeLink("t");
        t.claim("access server", new Receiver());
        table.linkAdded(t);

        assertThat(table.rows()).extracting(VlanRow::state).containsExactly("link used by access server");
        assertThat(t.owner()).isEqualTo("access server");
    }

    @Test
    void theLastVlanToGoReleasesTheTrunk() throws Exception {
        FakeLink t = new FakeLink("t");
        table.linkAdded(t);
        Device a = table.attach("t", 600, "A", tenantA);
        Device b = table.attach("t", 601, "B", tenantB);

        a.close();
        assertThat(t.owner()).isEqualTo(LowerMappingTable.DEMUX_OWNER);
        b.close();
        b.close();
        assertThat(t.owner()).isNull();
        assertThat(table.trunks()).extracting(TrunkRow::link, TrunkRow::vlans).containsExactly(tuple("t", 0));
        table.attach("t", LowerMapping.WHOLE_LINK, "W", tenantA);
        assertThat(t.owner()).isEqualTo("tenant W");
    }

    @Test
    void aLinkThatGoesAwayKeepsItsBindingsWhichResumeWhenItReturns() throws Exception {
        FakeLink first = new FakeLink("t");
        table.linkAdded(first);
        Device device = table.attach("t", 600, "A", tenantA);
        table.linkRemoved(first);

        device.transmit(buffer(untagged(28), 64));
        assertThat(first.sent).isEmpty();
        assertThat(first.owner()).isNull();
        assertThat(table.rows()).extracting(VlanRow::state).containsExactly("link absent");

        FakeLink second = new FakeLink("t");
        table.linkAdded(second);
        byte[] out = untagged(28);
        device.transmit(buffer(out, 64));
        assertThat(second.sent).containsExactly(tagged(out, 600));
    }

    @Test
    void aLinkThatIsDownSaysWhy() throws Exception {
        FakeLink t = new FakeLink("t");
        t.state = "down: ENODEV (No such device)";
        table.linkAdded(t);
        table.attach("t", 600, "A", tenantA);

        assertThat(table.rows()).extracting(VlanRow::state).containsExactly("link down: ENODEV (No such device)");
        assertThat(table.trunks()).extracting(TrunkRow::state).containsExactly("link down: ENODEV (No such device)");
    }

    @Test
    void dropsAreCountedPerTrunk() throws Exception {
        FakeLink t1 = new FakeLink("t1");
        FakeLink t2 = new FakeLink("t2");
        table.linkAdded(t1);
        table.linkAdded(t2);
        table.attach("t1", 600, "A", tenantA);
        table.attach("t2", 600, "B", tenantB);
        t1.arrive(tagged(untagged(46), 999));
        t2.arrive(untagged(46));

        assertThat(table.trunks()).extracting(TrunkRow::link, TrunkRow::unknownVlan, TrunkRow::untagged)
                .containsExactly(tuple("t1", 1L, 0L), tuple("t2", 0L, 1L));
    }

    @Test
    void vlansOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> table.attach("t", 4095, "A", tenantA)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4095");
        assertThatThrownBy(() -> table.attach("t", -1, "A", tenantA)).isInstanceOf(IllegalArgumentException.class);
    }
}
