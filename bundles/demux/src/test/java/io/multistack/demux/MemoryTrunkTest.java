package io.multistack.demux;

import static io.multistack.demux.TestFrames.buffer;
import static io.multistack.demux.TestFrames.tagged;
import static io.multistack.demux.TestFrames.untagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.link.Link;
import io.multistack.demux.Recorders.Receiver;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** The in-memory trunk between the access server and the demux. */
class MemoryTrunkTest {
    private final MemoryTrunk trunk = new MemoryTrunk();

    @Test
    void whatOneEndSendsTheOtherEndReceivesTheSameBuffer() {
        Receiver atAccess = new Receiver();
        Receiver atServer = new Receiver();
        trunk.accessSide().receiver(atAccess);
        trunk.serverSide().receiver(atServer);

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
    void theDemuxOnTheServerSideTalksToTheAccessSide() throws VlanInUseException {
        VlanDemux demux = new VlanDemux(trunk.serverSide());
        trunk.serverSide().receiver(demux);
        Receiver stack = new Receiver();
        Device device = demux.attach(602, "C", stack);
        Receiver access = new Receiver();
        trunk.accessSide().receiver(access);

        byte[] toStack = untagged(46);
        trunk.accessSide().transmit(buffer(tagged(toStack, 602), 0));
        byte[] fromStack = untagged(28);
        device.transmit(buffer(fromStack, 64));

        assertThat(stack.frames).containsExactly(toStack);
        assertThat(access.frames).containsExactly(tagged(fromStack, 602));
    }
}
