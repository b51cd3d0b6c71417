package io.multistack.wire;

import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Dot1qTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private final byte[] tagged = Bytes.hex(GoldenPackets.TAGGED_FRAME);
    private final byte[] untagged = Bytes.hex(GoldenPackets.UNTAGGED_FRAME);

    @Nested
    class Deconstruct {
        @Test
        void goldenTagCarriesVid600() throws MalformedPacketException {
            ByteBuf frame = buffers.of(tagged);

            assertThat(Dot1q.isTagged(frame)).isTrue();
            assertThat(Dot1q.vid(frame)).isEqualTo(600);
        }

        @Test
        void vidIgnoresPriorityAndDropEligibleBits() throws MalformedPacketException {
            ByteBuf frame = buffers.hex(GoldenPackets.TAGGED_PCP_DEI_FRAME);

            assertThat(Dot1q.vid(frame)).isEqualTo(4094);
        }

        /** 0 (priority tag) and 4095 are reserved but can arrive: vid() reports them, the demux must drop them. */
        @Test
        void vidReportsReservedValuesWithinTheTwelveBitRange() throws MalformedPacketException {
            ByteBuf priorityTagged = buffers.of(Ipv4Test.withShort(tagged, 14, 0xE000));
            ByteBuf reserved = buffers.of(Ipv4Test.withShort(tagged, 14, 0x0FFF));

            assertThat(Dot1q.vid(priorityTagged)).isZero();
            assertThat(Dot1q.vid(reserved)).isEqualTo(4095).isLessThan(Dot1q.VID_COUNT);
        }

        @Test
        void readsRelativeToTheReaderIndex() throws MalformedPacketException {
            ByteBuf frame = buffers.withHeadroom(9, tagged);

            assertThat(Dot1q.isTagged(frame)).isTrue();
            assertThat(Dot1q.vid(frame)).isEqualTo(600);
        }

        @Test
        void untaggedAndShortFramesAreNotTagged() {
            assertThat(Dot1q.isTagged(buffers.of(untagged))).isFalse();
            assertThat(Dot1q.isTagged(buffers.hex(GoldenPackets.ARP_REQUEST_FRAME))).isFalse();
            for (int length = 0; length < Ethernet.HEADER_LENGTH; length++) {
                assertThat(Dot1q.isTagged(buffers.of(Bytes.range(tagged, 0, length)))).as("length %d", length).isFalse();
            }
        }

        @Test
        void vidRejectsFramesTooShortForTagAndEtherTypeAtEveryLength() {
            for (int length = 0; length < Ethernet.HEADER_LENGTH + Dot1q.TAG_LENGTH; length++) {
                ByteBuf truncated = buffers.of(Bytes.range(tagged, 0, length));

                assertRejected("dot1q.truncated", () -> Dot1q.vid(truncated));
            }
        }
    }

    @Nested
    class Untag {
        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void movesTheMacsOverTheTagAndAdvancesTheReaderIndex(boolean direct) {
            ByteBuf frame = buffers.withHeadroom(6, tagged, direct);

            Dot1q.untag(frame);

            assertThat(frame.readerIndex()).isEqualTo(6 + Dot1q.TAG_LENGTH);
            assertThat(Bytes.hexOf(frame)).isEqualTo(GoldenPackets.UNTAGGED_FRAME);
            assertThat(frame.getByte(5)).as("headroom untouched").isEqualTo((byte) 0xEE);
        }
    }

    @Nested
    class Tag {
        @ParameterizedTest
        @ValueSource(booleans = {false, true})
        void inPlaceWhenFourBytesOfHeadroomExist(boolean direct) {
            ByteBuf frame = buffers.withHeadroom(Dot1q.TAG_LENGTH, untagged, direct);

            ByteBuf result = Dot1q.tag(frame, 600);

            assertThat(result).isSameAs(frame);
            assertThat(result.readerIndex()).isZero();
            assertThat(Bytes.hexOf(result)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @Test
        void inPlaceTouchesOnlyTheFourBytesBeforeTheFrame() {
            ByteBuf frame = buffers.withHeadroom(10, untagged);

            Dot1q.tag(frame, 600);

            assertThat(frame.readerIndex()).isEqualTo(6);
            assertThat(Bytes.hexOf(frame.slice(0, 6))).isEqualTo("eeeeeeeeeeee");
            assertThat(Bytes.hexOf(frame)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 2, 3})
        void copiesAndReleasesTheOldFrameWithoutHeadroom(int headroom) {
            ByteBuf frame = buffers.withHeadroom(headroom, untagged);

            ByteBuf result = buffers.track(Dot1q.tag(frame, 600));

            assertThat(result).isNotSameAs(frame);
            buffers.expectReleased(frame);
            assertThat(result.refCnt()).isEqualTo(1);
            assertThat(Bytes.hexOf(result)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @Test
        void copiesAReadOnlyFrameEvenWithHeadroom() {
            ByteBuf writable = buffers.withHeadroom(8, untagged);
            ByteBuf readOnly = writable.asReadOnly();

            ByteBuf result = buffers.track(Dot1q.tag(readOnly, 600));

            assertThat(result).isNotSameAs(readOnly);
            buffers.expectReleased(writable);
            assertThat(Bytes.hexOf(result)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @ParameterizedTest
        @ValueSource(ints = {600 | 0xF000, 600 | 0x1000, 600 + 4096, 600 | 0xFFFF_F000})
        void masksTheVidToTwelveBitsLeavingPriorityAndDeiZero(int vid) {
            ByteBuf frame = buffers.withHeadroom(Dot1q.TAG_LENGTH, untagged);

            Dot1q.tag(frame, vid);

            assertThat(Bytes.hexOf(frame)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @Test
        void allOnesVidStaysInsideTheVidField() {
            ByteBuf frame = buffers.withHeadroom(Dot1q.TAG_LENGTH, untagged);

            Dot1q.tag(frame, -1);

            assertThat(frame.getUnsignedShort(frame.readerIndex() + 14)).isEqualTo(0x0FFF);
        }
    }

    @Nested
    class RoundTrip {
        @Test
        void untagThenTagRestoresTheFrameInPlace() {
            ByteBuf frame = buffers.of(tagged);

            Dot1q.untag(frame);
            ByteBuf result = Dot1q.tag(frame, 600);

            assertThat(result).as("untag leaves exactly the headroom tag needs").isSameAs(frame);
            assertThat(Bytes.hexOf(result)).isEqualTo(GoldenPackets.TAGGED_FRAME);
        }

        @Test
        void everyVidSurvivesTagThenVidThenUntag() throws MalformedPacketException {
            for (int vid = Dot1q.MIN_VID; vid <= Dot1q.MAX_VID; vid++) {
                ByteBuf frame = buffers.withHeadroom(Dot1q.TAG_LENGTH, untagged);

                Dot1q.tag(frame, vid);
                assertThat(Dot1q.vid(frame)).isEqualTo(vid);
                Dot1q.untag(frame);

                assertThat(Bytes.hexOf(frame)).isEqualTo(GoldenPackets.UNTAGGED_FRAME);
            }
        }
    }

    /**
     * A frame whose memory another holder shares (a retained duplicate: a pcap tap, a
     * retransmission queue, the same frame sent to two ports) must not be rewritten in place,
     * or the other holder's MACs shift by 4 bytes under it. Regression test: tag() used to
     * check only headroom and read-only (fixed in 6bbddb9 with {@code refCnt() != 1}).
     */
    @Test
    void doesNotRewriteAFrameSharedWithAnotherHolder() {
        ByteBuf frame = buffers.withHeadroom(Dot1q.TAG_LENGTH, untagged);
        ByteBuf otherHolder = frame.retainedDuplicate();

        ByteBuf result = Dot1q.tag(frame, 600);
        String seenByOtherHolder = Bytes.hexOf(otherHolder);
        otherHolder.release();
        if (result != frame) {
            buffers.expectReleased(frame);
            buffers.track(result);
        }

        assertThat(seenByOtherHolder).isEqualTo(GoldenPackets.UNTAGGED_FRAME);
        assertThat(Bytes.hexOf(result)).isEqualTo(GoldenPackets.TAGGED_FRAME);
    }
}
