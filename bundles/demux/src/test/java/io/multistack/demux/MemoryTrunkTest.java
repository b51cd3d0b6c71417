package io.multistack.demux;

import static io.multistack.demux.TestFrames.buffer;
import static io.multistack.demux.TestFrames.tagged;
import static io.multistack.demux.TestFrames.untagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.flow.Device;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import io.multistack.demux.Recorders.Receiver;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** The in-memory trunk between the access server and the demux. */
class MemoryTrunkTest {
    private final MemoryTrunk trunk = new MemoryTrunk();

    @Test
    void whatOneEndSendsTheOtherEndReceivesTheSameBuffer() throws Exception {
        Receiver atAccess = new Receiver();
        Receiver atServer = new Receiver();
        trunk.accessSide().claim("test", atAccess);
        trunk.serverSide().claim("test", atServer);

        trunk.serverSide().transmit(buffer(new byte[] {1, 2, 3}, 0));
        trunk.accessSide().transmit(buffer(new byte[] {4, 5}, 0));

        assertThat(atAccess.frames).containsExactly(new byte[] {1, 2, 3});
        assertThat(atServer.frames).containsExactly(new byte[] {4, 5});
    }

    @Test
    void withoutAReceiverFramesAreReleased() {
        ByteBuf frame = buffer(new byte[] {1}, 0);
        trunk.serverSide().transmit(frame);
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void aSecondOwnerIsRefusedAndTheFirstKeepsTheFrames() throws Exception {
        Receiver first = new Receiver();
        trunk.accessSide().claim("access server", first);

        assertThatThrownBy(() -> trunk.accessSide().claim("tenant X", new Receiver()))
                .isInstanceOf(LinkInUseException.class).hasMessageContaining("access server");
        trunk.serverSide().transmit(buffer(new byte[] {7}, 0));

        assertThat(first.frames).containsExactly(new byte[] {7});
        assertThat(trunk.accessSide().owner()).isEqualTo("access server");
    }

    @Test
    void releasedFramesAreDroppedUntilTheNextClaim() throws Exception {
        Receiver first = new Receiver();
        trunk.accessSide().claim("access server", first);
        trunk.accessSide().release("somebody else");
        trunk.accessSide().release("access server");
        ByteBuf frame = buffer(new byte[] {1}, 0);
        trunk.serverSide().transmit(frame);

        assertThat(frame.refCnt()).isZero();
        assertThat(first.frames).isEmpty();
        assertThat(trunk.accessSide().owner()).isNull();
    }

    /** Regression: inside End, NAME once resolved to the inherited Link.NAME ("link.name"). */
    @Test
    void bothEndsAreTheMemoryLink() {
        for (Link end : new Link[] {trunk.serverSide(), trunk.accessSide()}) {
            assertThat(end.name()).isEqualTo("memory");
            assertThat(end.mtu()).isEqualTo(1500);
        }
        assertThat(trunk.serverSide()).isNotSameAs(trunk.accessSide());
    }

    @Test
    void theDemuxOnTheServerSideTalksToTheAccessSide() throws Exception {
        VlanDemux demux = new VlanDemux(trunk.serverSide());
        trunk.serverSide().claim("demux", demux);
        Receiver stack = new Receiver();
        Device device = demux.attach(602, "C", stack);
        Receiver access = new Receiver();
        trunk.accessSide().claim("access", access);

        byte[] toStack = untagged(46);
        trunk.accessSide().transmit(buffer(tagged(toStack, 602), 0));
        byte[] fromStack = untagged(28);
        device.transmit(buffer(fromStack, 64));

        assertThat(stack.frames).containsExactly(toStack);
        assertThat(access.frames).containsExactly(tagged(fromStack, 602));
    }
}
