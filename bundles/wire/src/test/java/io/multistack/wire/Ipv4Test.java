package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.IPV4_HEADER;
import static io.multistack.wire.GoldenPackets.SITE_IP;
import static io.multistack.wire.GoldenPackets.TENANT_IP;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private static final Ipv4 ECHO_REQUEST_HEADER = new Ipv4(20, 0, 52, 0x1c46, Ipv4.FLAG_DONT_FRAGMENT, 64,
            Ipv4.PROTOCOL_ICMP, SITE_IP, TENANT_IP);
    private static final Ipv4 FRAGMENT_HEADER = new Ipv4(20, 0xb8, 1500, 0xabcd, Ipv4.FLAG_MORE_FRAGMENTS | 185, 17,
            Ipv4.PROTOCOL_UDP, 0xCB00_7105, 0xC633_6407);

    private final byte[] echoRequest = Bytes.hex(GoldenPackets.ICMP_ECHO_REQUEST_PACKET);

    /** The fragment header with the 1480 payload bytes its total length announces. */
    private ByteBuf fragmentPacket() {
        ByteBuf packet = buffers.hex(GoldenPackets.IPV4_FRAGMENT_HEADER);
        return packet.writeZero(1480);
    }

    @Nested
    class Deconstruct {
        @Test
        void goldenEchoRequestHeader() throws MalformedPacketException {
            ByteBuf packet = buffers.of(echoRequest);

            Ipv4 header = Ipv4.parse(packet);

            assertThat(header).isEqualTo(ECHO_REQUEST_HEADER);
            assertThat(header.payloadLength()).isEqualTo(32);
            assertThat(header.isFragment()).isFalse();
            assertThat(packet.readerIndex()).as("parse does not consume").isZero();
        }

        @Test
        void goldenHeaderWithOptionsHasIhl6() throws MalformedPacketException {
            Ipv4 header = Ipv4.parse(buffers.hex(GoldenPackets.IPV4_WITH_OPTIONS_PACKET));

            assertThat(header).isEqualTo(new Ipv4(24, 0xc0, 32, 0, 0, 1, 0, 0x0A00_0001, 0xE000_0016));
            assertThat(header.payloadLength()).as("options belong to the header").isEqualTo(8);
        }

        @Test
        void goldenFragmentHeader() throws MalformedPacketException {
            Ipv4 header = Ipv4.parse(fragmentPacket());

            assertThat(header).isEqualTo(FRAGMENT_HEADER);
            assertThat(header.isFragment()).isTrue();
        }

        @Test
        void readsRelativeToTheReaderIndex() throws MalformedPacketException {
            ByteBuf packet = buffers.withHeadroom(14, echoRequest);

            assertThat(Ipv4.parse(packet)).isEqualTo(ECHO_REQUEST_HEADER);
            assertThat(packet.readerIndex()).isEqualTo(14);
        }

        @Test
        void acceptsLinkLayerPaddingBeyondTheTotalLength() throws MalformedPacketException {
            ByteBuf padded = buffers.of(echoRequest).writeZero(10);

            assertThat(Ipv4.parse(padded).totalLength()).isEqualTo(52);
        }
    }

    @Nested
    class Construct {
        @Test
        void goldenEchoRequestHeader() {
            ByteBuf out = buffers.empty();

            Ipv4.of(Ipv4.PROTOCOL_ICMP, SITE_IP, TENANT_IP, 32, 0x1c46, 64).emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ECHO_REQUEST_PACKET.substring(0, 40));
        }

        @Test
        void goldenEchoReplyHeader() {
            ByteBuf out = buffers.empty();

            Ipv4.of(Ipv4.PROTOCOL_ICMP, TENANT_IP, SITE_IP, 32, 1, 64).emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ECHO_REPLY_PACKET.substring(0, 40));
        }

        @Test
        void goldenUdpHeader() {
            ByteBuf out = buffers.empty();

            Ipv4.of(Ipv4.PROTOCOL_UDP, SITE_IP, TENANT_IP, 21, 0x4242, 64).emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.UDP_PACKET.substring(0, 40));
        }

        @Test
        void goldenFragmentHeaderWithTosFlagsAndOffset() {
            ByteBuf out = buffers.empty();

            FRAGMENT_HEADER.emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.IPV4_FRAGMENT_HEADER);
        }

        @Test
        void emitsAtTheWriterIndexOfANonEmptyBuffer() {
            ByteBuf out = buffers.empty().writeBytes(Bytes.hex("aabbcc"));

            ECHO_REQUEST_HEADER.emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo("aabbcc" + GoldenPackets.ICMP_ECHO_REQUEST_PACKET.substring(0, 40));
        }

        @Test
        void aHeaderWithOptionsIsRefusedRatherThanEmittedWrong() throws MalformedPacketException {
            ByteBuf out = buffers.empty();
            Ipv4 withOptions = Ipv4.parse(buffers.hex(GoldenPackets.IPV4_WITH_OPTIONS_PACKET));

            // its total length counts the options, which emit never writes
            assertThatThrownBy(() -> withOptions.emit(out)).isInstanceOf(IllegalStateException.class);
            assertThat(out.readableBytes()).isZero();
        }
    }

    @Nested
    class RoundTrip {
        @ParameterizedTest
        @ValueSource(strings = {GoldenPackets.ICMP_ECHO_REQUEST_PACKET, GoldenPackets.ICMP_ECHO_REPLY_PACKET,
            GoldenPackets.UDP_PACKET, GoldenPackets.VXLAN_PACKET})
        void parseThenEmitGivesTheSameHeader(String packetHex) throws MalformedPacketException {
            ByteBuf out = buffers.empty();

            Ipv4.parse(buffers.hex(packetHex)).emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(packetHex.substring(0, 2 * IPV4_HEADER));
        }

        @Test
        void fragmentHeader() throws MalformedPacketException {
            ByteBuf out = buffers.empty();

            Ipv4.parse(fragmentPacket()).emit(out);

            assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.IPV4_FRAGMENT_HEADER);
        }
    }

    /** The record-free way of the per-frame path reads and writes the same bytes as the record. */
    @Nested
    class Accessors {
        @ParameterizedTest
        @ValueSource(strings = {GoldenPackets.ICMP_ECHO_REQUEST_PACKET, GoldenPackets.IPV4_WITH_OPTIONS_PACKET})
        void readWhatParseReadsAtTheHeadersIndex(String packetHex) throws MalformedPacketException {
            ByteBuf packet = buffers.withHeadroom(14, Bytes.hex(packetHex), true);

            Ipv4.check(packet);
            Ipv4 header = Ipv4.parse(packet);

            assertThat(Ipv4.headerLength(packet, 14)).isEqualTo(header.headerLength());
            assertThat(Ipv4.totalLength(packet, 14)).isEqualTo(header.totalLength());
            assertThat(Ipv4.flagsFragment(packet, 14)).isEqualTo(header.flagsFragment());
            assertThat(Ipv4.protocol(packet, 14)).isEqualTo(header.protocol());
            assertThat(Ipv4.source(packet, 14)).isEqualTo(header.source());
            assertThat(Ipv4.destination(packet, 14)).isEqualTo(header.destination());
            assertThat(Ipv4.isFragment(packet, 14)).isEqualTo(header.isFragment());
            assertThat(packet.readerIndex()).as("check does not consume").isEqualTo(14);
        }

        @Test
        void fragmentFlagsAndOffset() throws MalformedPacketException {
            ByteBuf packet = fragmentPacket();

            Ipv4.check(packet);

            assertThat(Ipv4.isFragment(packet, 0)).isTrue();
            assertThat(Ipv4.flagsFragment(packet, 0)).isEqualTo(FRAGMENT_HEADER.flagsFragment());
        }

        @Test
        void checkRejectsWhatParseRejects() {
            ByteBuf badChecksum = buffers.of(withByte(echoRequest, 10, echoRequest[10] ^ 1));
            ByteBuf truncated = buffers.of(Bytes.range(echoRequest, 0, 19));

            assertRejected("ipv4.bad-checksum", () -> Ipv4.check(badChecksum));
            assertRejected("ipv4.truncated", () -> Ipv4.check(truncated));
        }

        @Test
        void staticEmitWritesTheGoldenHeaderAtTheWriterIndex() {
            ByteBuf out = buffers.empty().writeByte(0x99);

            Ipv4.emit(out, Ipv4.PROTOCOL_ICMP, SITE_IP, TENANT_IP, 32, 0x1c46, 64);

            assertThat(Bytes.hexOf(out)).isEqualTo("99" + GoldenPackets.ICMP_ECHO_REQUEST_PACKET.substring(0, 40));
        }
    }

    @Nested
    class Fragments {
        @Test
        void dontFragmentAloneIsNotAFragment() {
            assertThat(headerWithFlags(Ipv4.FLAG_DONT_FRAGMENT).isFragment()).isFalse();
            assertThat(headerWithFlags(0).isFragment()).isFalse();
        }

        @Test
        void firstFragmentHasMoreFragments() {
            assertThat(headerWithFlags(Ipv4.FLAG_MORE_FRAGMENTS).isFragment()).isTrue();
        }

        @Test
        void lastFragmentHasOnlyAnOffset() {
            assertThat(headerWithFlags(1).isFragment()).isTrue();
            assertThat(headerWithFlags(Ipv4.FLAG_DONT_FRAGMENT | Ipv4.OFFSET_MASK).isFragment()).isTrue();
        }

        private Ipv4 headerWithFlags(int flagsFragment) {
            return new Ipv4(20, 0, 40, 1, flagsFragment, 64, Ipv4.PROTOCOL_UDP, SITE_IP, TENANT_IP);
        }
    }

    @Nested
    class Impossible {
        @Test
        void truncatedAtEveryLength() {
            for (int length = 0; length < echoRequest.length; length++) {
                ByteBuf truncated = buffers.of(Bytes.range(echoRequest, 0, length));

                assertRejected("ipv4.truncated", () -> Ipv4.parse(truncated));
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 5, 6, 15})
        void versionOtherThanFour(int version) {
            ByteBuf packet = validChecksum(withByte(echoRequest, 0, version << 4 | 5));

            assertRejected("ipv4.bad-version", () -> Ipv4.parse(packet));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 2, 3, 4})
        void headerLengthBelowFive(int ihl) {
            ByteBuf packet = validChecksum(withByte(echoRequest, 0, 0x40 | ihl));

            assertRejected("ipv4.bad-header-length", () -> Ipv4.parse(packet));
        }

        @Test
        void headerLongerThanTheTotalLength() {
            // IHL 15 = 60 bytes, total length 52
            ByteBuf packet = buffers.of(withByte(echoRequest, 0, 0x4F));

            assertRejected("ipv4.bad-header-length", () -> Ipv4.parse(packet));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 19})
        void totalLengthShorterThanAMinimalHeader(int totalLength) {
            ByteBuf packet = validChecksum(withShort(echoRequest, 2, totalLength));

            assertRejected("ipv4.bad-header-length", () -> Ipv4.parse(packet));
        }

        @ParameterizedTest
        @ValueSource(ints = {53, 1500, 0xFFFF})
        void totalLengthBeyondTheBuffer(int totalLength) {
            ByteBuf packet = validChecksum(withShort(echoRequest, 2, totalLength));

            assertRejected("ipv4.truncated", () -> Ipv4.parse(packet));
        }

        @Test
        void optionsLongerThanTheBytesPresent() {
            // IHL 6 and total length 24 over a 22-byte buffer
            byte[] packet = Bytes.range(Bytes.hex(GoldenPackets.IPV4_WITH_OPTIONS_PACKET), 0, 22);
            packet[3] = 24;

            assertRejected("ipv4.truncated", () -> Ipv4.parse(buffers.of(packet)));
        }

        @Test
        void wrongChecksumField() {
            ByteBuf packet = buffers.of(withShort(echoRequest, 10, 0x9b28));

            assertRejected("ipv4.bad-checksum", () -> Ipv4.parse(packet));
        }

        @Test
        void headerChangedAfterTheChecksum() {
            ByteBuf packet = buffers.of(withByte(echoRequest, 8, 63));

            assertRejected("ipv4.bad-checksum", () -> Ipv4.parse(packet));
        }

        @Test
        void checksumCoversTheOptions() {
            ByteBuf packet = buffers.of(withByte(Bytes.hex(GoldenPackets.IPV4_WITH_OPTIONS_PACKET), 22, 1));

            assertRejected("ipv4.bad-checksum", () -> Ipv4.parse(packet));
        }

        @Test
        void rejectionDoesNotMoveTheReaderIndex() {
            ByteBuf packet = buffers.withHeadroom(2, withByte(echoRequest, 8, 63));

            assertRejected("ipv4.bad-checksum", () -> Ipv4.parse(packet));
            assertThat(packet.readerIndex()).isEqualTo(2);
        }

        private ByteBuf validChecksum(byte[] packet) {
            return buffers.of(ReferenceChecksum.refreshIpv4(packet, 0, IPV4_HEADER));
        }
    }

    static byte[] withByte(byte[] original, int offset, int value) {
        byte[] copy = original.clone();
        copy[offset] = (byte) value;
        return copy;
    }

    static byte[] withShort(byte[] original, int offset, int value) {
        byte[] copy = original.clone();
        copy[offset] = (byte) (value >>> 8);
        copy[offset + 1] = (byte) value;
        return copy;
    }
}
