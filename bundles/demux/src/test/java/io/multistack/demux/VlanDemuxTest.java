package io.multistack.demux;

import static io.multistack.demux.TestFrames.buffer;
import static io.multistack.demux.TestFrames.tagged;
import static io.multistack.demux.TestFrames.untagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.flow.Device;
import io.multistack.api.flow.VlanInUseException;
import io.multistack.api.flow.VlanRow;
import io.multistack.demux.Recorders.Receiver;
import io.multistack.demux.Recorders.TrunkLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lower mapping: ingress dispatch by VLAN, egress tagging, counters and drops. */
class VlanDemuxTest {
    private final TrunkLink trunk = new TrunkLink();
    private final VlanDemux demux = new VlanDemux(trunk);
    private final Receiver tenantA = new Receiver();
    private final Receiver tenantB = new Receiver();
    private Device deviceA;
    private Device deviceB;

    @BeforeEach
    void attachTwoTenants() throws VlanInUseException {
        deviceA = demux.attach(600, "A", tenantA);
        deviceB = demux.attach(601, "B", tenantB);
    }

    /** unknown VLAN, untagged, malformed. */
    private java.util.List<Long> drops() {
        return java.util.List.of(demux.unknownVlanDrops(), demux.untaggedDrops(), demux.malformedDrops());
    }

    /** Hands the demux a frame from the trunk and checks that it let go of it. */
    private void fromTrunk(byte[] bytes) {
        ByteBuf frame = buffer(bytes, 0);
        demux.receive(frame);
        assertThat(frame.refCnt()).as("frame from the trunk released").isZero();
    }

    @Nested
    class Ingress {
        @Test
        void aTaggedFrameReachesOnlyItsVlansStackUntagged() {
            byte[] frame = untagged(46);
            fromTrunk(tagged(frame, 600));

            assertThat(tenantA.frames).containsExactly(frame);
            assertThat(tenantB.frames).isEmpty();
        }

        @Test
        void priorityAndDeiBitsDoNotChangeTheVlan() {
            byte[] frame = untagged(46);
            fromTrunk(tagged(frame, 0xF000 | 601));

            assertThat(tenantB.frames).containsExactly(frame);
            assertThat(tenantA.frames).isEmpty();
        }

        @Test
        void aTagWithNothingAfterItIsStillDelivered() {
            byte[] headerOnly = untagged(0);
            fromTrunk(tagged(headerOnly, 600));
            assertThat(tenantA.frames).containsExactly(headerOnly);
        }

        @Test
        void countersPerVlan() {
            fromTrunk(tagged(untagged(46), 600));
            fromTrunk(tagged(untagged(100), 600));
            fromTrunk(tagged(untagged(10), 601));
            deviceA.transmit(buffer(untagged(28), 64));

            assertThat(demux.rows("up")).containsExactly(
                    new VlanRow("test-trunk", 600, "A", "up", 2, 60 + 114, 1, 42, 0),
                    new VlanRow("test-trunk", 601, "B", "up", 1, 24, 0, 0, 0));
        }
    }

    @Nested
    class Drops {
        @Test
        void untaggedFrames() {
            fromTrunk(untagged(46));
            assertThat(drops()).containsExactly(0L, 1L, 0L);
            assertThat(tenantA.frames).isEmpty();
        }

        @Test
        void unknownVlan() {
            fromTrunk(tagged(untagged(46), 700));
            assertThat(drops()).containsExactly(1L, 0L, 0L);
        }

        @Test
        void priorityTaggedFramesHaveNoVlan() {
            fromTrunk(tagged(untagged(46), 0));
            assertThat(drops()).containsExactly(1L, 0L, 0L);
        }

        /** Regression: the VID table once had 4095 slots, so VID 4095 threw out of receive(). */
        @Test
        void reservedVid4095IsCountedNotThrown() {
            assertThatCode(() -> fromTrunk(tagged(untagged(46), 4095))).doesNotThrowAnyException();
            assertThat(drops()).containsExactly(1L, 0L, 0L);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 13})
        void truncatedEthernet(int length) {
            fromTrunk(new byte[length]);
            assertThat(drops()).containsExactly(0L, 0L, 1L);
        }

        @ParameterizedTest
        @ValueSource(ints = {14, 15, 17})
        void truncatedTag(int length) {
            fromTrunk(Arrays.copyOf(tagged(untagged(46), 600), length));
            assertThat(drops()).containsExactly(0L, 0L, 1L);
            assertThat(tenantA.frames).isEmpty();
        }

        @Test
        void dropsDoNotCountOnAnyVlan() {
            fromTrunk(untagged(46));
            fromTrunk(new byte[5]);
            assertThat(demux.rows("up")).allSatisfy(row -> {
                assertThat(row.framesIn()).isZero();
                assertThat(row.drops()).isZero();
            });
        }
    }

    @Nested
    class Egress {
        @Test
        void aStacksFrameLeavesTaggedWithItsVlan() {
            byte[] frame = untagged(46);
            deviceB.transmit(buffer(frame, 64));

            assertThat(trunk.sent).containsExactly(tagged(frame, 601));
        }

        @Test
        void aFrameWithoutHeadroomIsCopiedAndReleased() {
            byte[] frame = untagged(46);
            ByteBuf noHeadroom = buffer(frame, 0);
            deviceA.transmit(noHeadroom);

            assertThat(trunk.sent).containsExactly(tagged(frame, 600));
            assertThat(noHeadroom.refCnt()).isZero();
        }

        @Test
        void aReadOnlyFrameIsCopiedNotWrittenTo() {
            byte[] frame = untagged(46);
            ByteBuf readOnly = Unpooled.unreleasableBuffer(buffer(frame, 64)).asReadOnly();
            deviceA.transmit(readOnly);
            assertThat(trunk.sent).containsExactly(tagged(frame, 600));
        }

        @Test
        void deviceReportsVlanAndTrunkMtu() {
            assertThat(deviceA.vlan()).isEqualTo(600);
            assertThat(deviceA.mtu()).isEqualTo(1500);
        }
    }

    @Nested
    class Attach {
        @Test
        void aUsedVlanIsRefusedAndTheHolderKeepsReceiving() {
            Receiver intruder = new Receiver();
            assertThatThrownBy(() -> demux.attach(600, "C", intruder))
                    .isInstanceOfSatisfying(VlanInUseException.class, e -> {
                        assertThat(e.vlan()).isEqualTo(600);
                        assertThat(e.holder()).isEqualTo("A");
                        assertThat(e).hasMessageContaining("600").hasMessageContaining("A");
                    });

            byte[] frame = untagged(46);
            fromTrunk(tagged(frame, 600));
            assertThat(tenantA.frames).containsExactly(frame);
            assertThat(intruder.frames).isEmpty();
            assertThat(demux.rows("up")).extracting(VlanRow::tenant).containsExactly("A", "B");
        }

        @Test
        void closeFreesTheVlan() throws VlanInUseException {
            deviceA.close();
            fromTrunk(tagged(untagged(46), 600));
            assertThat(tenantA.frames).isEmpty();
            assertThat(demux.unknownVlanDrops()).isEqualTo(1);
            assertThat(demux.rows("up")).extracting(VlanRow::vlan).containsExactly(601);

            Receiver tenantC = new Receiver();
            demux.attach(600, "C", tenantC);
            byte[] frame = untagged(46);
            fromTrunk(tagged(frame, 600));
            assertThat(tenantC.frames).containsExactly(frame);
        }

        @Test
        void aClosedDeviceSendsNothingAndReleasesWhatItIsGiven() {
            deviceA.close();
            ByteBuf frame = buffer(untagged(46), 64);
            deviceA.transmit(frame);

            assertThat(trunk.sent).isEmpty();
            assertThat(frame.refCnt()).isZero();
        }

        @Test
        void closingAnOldDeviceAgainDoesNotDetachTheNewHolder() throws VlanInUseException {
            deviceA.close();
            Receiver tenantC = new Receiver();
            demux.attach(600, "C", tenantC);
            deviceA.close();

            fromTrunk(tagged(untagged(46), 600));
            assertThat(tenantC.frames).hasSize(1);
            assertThat(demux.rows("up")).extracting(VlanRow::tenant).containsExactly("C", "B");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 4095, -1, 4096, 5000})
        void vlansOutsideOneTo4094AreRejected(int vlan) {
            assertThatThrownBy(() -> demux.attach(vlan, "X", new Receiver()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(vlan));
        }

        @Test
        void theEdgesOfTheRangeAreAccepted() throws VlanInUseException {
            demux.attach(1, "low", new Receiver());
            demux.attach(4094, "high", new Receiver());
            assertThat(demux.rows("up")).extracting(VlanRow::vlan).containsExactly(1, 600, 601, 4094);
        }
    }
}
