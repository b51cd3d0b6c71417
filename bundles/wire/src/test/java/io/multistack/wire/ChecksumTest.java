package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.SITE_IP;
import static io.multistack.wire.GoldenPackets.TENANT_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChecksumTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    /** RFC 1071 §3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2. */
    @Test
    void rfc1071Example() {
        ByteBuf buf = buffers.hex("0001f203f4f5f6f7");

        assertThat(Checksum.of(buf, 0, 8)).isEqualTo(~0xddf2 & 0xFFFF).isEqualTo(0x220d);
    }

    @Test
    void regionWithItsChecksumAppendedSumsToZero() {
        ByteBuf buf = buffers.hex("0001f203f4f5f6f7220d");

        assertThat(Checksum.of(buf, 0, 10)).isZero();
    }

    @Test
    void emptyRegionHasChecksumFfff() {
        assertThat(Checksum.of(buffers.hex("00"), 0, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void oddTrailingByteIsPaddedWithZeroOnTheRight() {
        assertThat(Checksum.of(buffers.hex("01"), 0, 1)).isEqualTo(~0x0100 & 0xFFFF);
        assertThat(Checksum.of(buffers.hex("abcdef"), 0, 3)).isEqualTo(~(0xabcd + 0xef00 - 0xFFFF) & 0xFFFF);
    }

    @Test
    void carriesWrapAroundOverLongRuns() {
        byte[] ones = new byte[65_537];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        ByteBuf buf = buffers.of(ones);

        assertThat(Checksum.of(buf, 0, ones.length)).isEqualTo(reference(ones, 0, ones.length, 0));
        assertThat(Checksum.of(buf, 0, 65_536)).as("only 0xffff words: -0").isZero();
    }

    /** Every length 0..96 at even and odd offsets, against a plain 16-bit one's complement sum. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7})
    void matchesReferenceForEveryLengthAndOffset(int offset) {
        Random random = new Random(1071 + offset);
        for (int length = 0; length <= 96; length++) {
            byte[] data = new byte[offset + length];
            random.nextBytes(data);
            ByteBuf buf = buffers.of(data);

            assertThat(Checksum.of(buf, offset, length)).as("length %d", length)
                    .isEqualTo(reference(data, offset, length, 0));
        }
    }

    /** The fast path reads 8 bytes at a time from NIO views: direct and pooled buffers, long regions, sliced. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 13})
    void matchesReferenceOnDirectPooledAndSlicedBuffers(int offset) {
        Random random = new Random(7 + offset);
        for (int length : new int[] {15, 16, 17, 63, 64, 65, 1471, 1500, 9000, 65_535}) {
            byte[] data = new byte[offset + length];
            random.nextBytes(data);
            int expected = reference(data, offset, length, 0);
            ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(data.length).writeBytes(data);
            ByteBuf pooled = io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(data.length + 3)
                    .writeZero(3).writeBytes(data);
            try {
                assertThat(Checksum.of(direct, offset, length)).as("direct, length %d", length).isEqualTo(expected);
                assertThat(Checksum.of(pooled, 3 + offset, length)).as("pooled, length %d", length)
                        .isEqualTo(expected);
                assertThat(Checksum.of(pooled.slice(3, data.length), offset, length)).as("slice, length %d", length)
                        .isEqualTo(expected);
            } finally {
                direct.release();
                pooled.release();
            }
        }
    }

    @Test
    void addingEvenRegionsOneAfterAnotherEqualsOneRegion() {
        byte[] data = new byte[60];
        new Random(7).nextBytes(data);
        ByteBuf buf = buffers.of(data);

        int piecewise = Checksum.add(Checksum.add(Checksum.add(0, buf, 0, 20), buf, 20, 8), buf, 28, 32);

        assertThat(Checksum.finish(piecewise)).isEqualTo(Checksum.of(buf, 0, 60));
    }

    @Test
    void pseudoHeaderSumsAddressesProtocolAndLength() {
        // c0a8 + 010a + c0a8 + 0101 + 0011 + 0010 = 0x1837c → folded 0x837d
        int sum = Checksum.pseudoHeader(SITE_IP, TENANT_IP, Ipv4.PROTOCOL_UDP, 0x10);

        assertThat(Checksum.finish(sum)).isEqualTo(~0x837d & 0xFFFF);
    }

    @Test
    void pseudoHeaderHandlesAddressesWithTheSignBitSet() {
        int sum = Checksum.pseudoHeader(0xFFFF_FFFF, 0xE000_0016, Ipv4.PROTOCOL_TCP, 0xFFFF);
        byte[] header = Bytes.hex("ffffffff" + "e0000016" + "0006" + "ffff");

        assertThat(Checksum.finish(sum)).isEqualTo(reference(header, 0, header.length, 0));
    }

    /** The UDP checksum scapy computed for the golden datagram, recomputed with the pseudo header. */
    @Test
    void pseudoHeaderPlusDatagramGivesScapysUdpChecksum() {
        byte[] datagram = Bytes.range(Bytes.hex(GoldenPackets.UDP_PACKET), GoldenPackets.IPV4_HEADER);
        int expected = (datagram[6] & 0xFF) << 8 | datagram[7] & 0xFF;
        datagram[6] = 0;
        datagram[7] = 0;
        ByteBuf buf = buffers.of(datagram);

        int sum = Checksum.pseudoHeader(SITE_IP, TENANT_IP, Ipv4.PROTOCOL_UDP, datagram.length);

        assertThat(Checksum.finish(Checksum.add(sum, buf, 0, datagram.length))).isEqualTo(expected).isEqualTo(0x40a3);
    }

    /** Heap slices at an array offset, and composites (no single array or address) read the slow way. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 13})
    void matchesReferenceOnHeapSlicesAndComposites(int offset) {
        Random random = new Random(11 + offset);
        for (int length : new int[] {7, 8, 9, 64, 1471, 1500}) {
            byte[] data = new byte[offset + length];
            random.nextBytes(data);
            int expected = reference(data, offset, length, 0);
            ByteBuf heap = buffers.of(new byte[3]).capacity(3 + data.length).writeBytes(data);
            int half = data.length / 2;
            ByteBuf composite = io.netty.buffer.Unpooled.wrappedBuffer(
                    io.netty.buffer.Unpooled.directBuffer(half).writeBytes(data, 0, half),
                    io.netty.buffer.Unpooled.buffer(data.length - half).writeBytes(data, half, data.length - half));
            try {
                assertThat(Checksum.of(heap.slice(3, data.length), offset, length)).as("heap slice, length %d", length)
                        .isEqualTo(expected);
                assertThat(Checksum.of(composite, offset, length)).as("composite, length %d", length)
                        .isEqualTo(expected);
            } finally {
                composite.release();
            }
        }
    }

    /** The fast paths check the region once, as the buffer's accessors would on every read. */
    @Test
    void refusesRegionsOutsideTheBufferAndReleasedBuffers() {
        ByteBuf heap = buffers.of(new byte[32]);
        ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(32).writeZero(32);
        try {
            for (ByteBuf buf : new ByteBuf[] {heap, direct}) {
                assertThatThrownBy(() -> Checksum.of(buf, 8, 32)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> Checksum.of(buf, -8, 16)).isInstanceOf(IndexOutOfBoundsException.class);
            }
        } finally {
            direct.release();
        }
        assertThatThrownBy(() -> Checksum.of(direct, 0, 16))
                .isInstanceOf(io.netty.util.IllegalReferenceCountException.class);
    }

    @Test
    void doesNotMoveIndexes() {
        ByteBuf buf = buffers.hex("0001f203f4f5f6f7");
        buf.readerIndex(1);

        Checksum.of(buf, 0, 8);

        assertThat(buf.readerIndex()).isEqualTo(1);
        assertThat(buf.writerIndex()).isEqualTo(8);
    }

    private static int reference(byte[] data, int offset, int length, int initial) {
        return ReferenceChecksum.of(data, offset, length, initial);
    }
}
