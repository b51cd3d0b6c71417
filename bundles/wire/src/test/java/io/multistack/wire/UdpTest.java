package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.IPV4_HEADER;
import static io.multistack.wire.GoldenPackets.SITE_IP;
import static io.multistack.wire.GoldenPackets.TENANT_IP;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UdpTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private static final Udp HELLO = new Udp(40000, 53, 21);
    private static final String HELLO_PAYLOAD = "68656c6c6f2c2074656e616e74";

    /** The UDP datagram of a golden IPv4 packet. */
    private static byte[] datagramOf(String packetHex) {
        return Bytes.range(Bytes.hex(packetHex), IPV4_HEADER);
    }

    private final byte[] hello = datagramOf(GoldenPackets.UDP_PACKET);

    @Test
    void deconstructsGoldenDatagram() throws MalformedPacketException {
        ByteBuf datagram = buffers.of(hello);

        assertThat(Udp.parse(datagram, SITE_IP, TENANT_IP)).isEqualTo(HELLO);
        assertThat(datagram.readerIndex()).as("parse does not consume").isZero();
    }

    @Test
    void deconstructsTheDatagramInsideTheGoldenIpPacket() throws MalformedPacketException {
        ByteBuf packet = buffers.hex(GoldenPackets.UDP_PACKET);
        Ipv4 ip = Ipv4.parse(packet);

        ByteBuf datagram = packet.slice(ip.headerLength(), ip.payloadLength());

        assertThat(Udp.parse(datagram, ip.source(), ip.destination())).isEqualTo(HELLO);
    }

    @Test
    void acceptsADatagramSentWithoutChecksum() throws MalformedPacketException {
        ByteBuf datagram = buffers.of(datagramOf(GoldenPackets.UDP_NO_CHECKSUM_PACKET));

        assertThat(Udp.parse(datagram, SITE_IP, TENANT_IP)).isEqualTo(HELLO);
    }

    @Test
    void acceptsAChecksumTransmittedAsFfff() throws MalformedPacketException {
        ByteBuf datagram = buffers.of(datagramOf(GoldenPackets.UDP_CHECKSUM_FFFF_PACKET));

        assertThat(Udp.parse(datagram, SITE_IP, TENANT_IP)).isEqualTo(new Udp(40000, 53, 10));
    }

    @Test
    void verifiesOnlyTheLengthTheHeaderAnnounces() throws MalformedPacketException {
        ByteBuf padded = buffers.of(hello).writeBytes(Bytes.hex("000102"));

        assertThat(Udp.parse(padded, SITE_IP, TENANT_IP)).isEqualTo(HELLO);
    }

    @Test
    void constructsGoldenDatagram() {
        ByteBuf out = buffers.empty();
        ByteBuf payload = buffers.hex(HELLO_PAYLOAD);

        HELLO.emit(out, payload, SITE_IP, TENANT_IP);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.UDP_PACKET.substring(2 * IPV4_HEADER));
        assertThat(payload.readerIndex()).as("payload left unread").isZero();
    }

    @Test
    void constructsGoldenPacketWithIpHeader() {
        ByteBuf out = buffers.empty();

        Ipv4.of(Ipv4.PROTOCOL_UDP, SITE_IP, TENANT_IP, 21, 0x4242, 64).emit(out);
        HELLO.emit(out, buffers.hex(HELLO_PAYLOAD), SITE_IP, TENANT_IP);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.UDP_PACKET);
    }

    @Test
    void sendsAComputedZeroChecksumAsFfff() {
        ByteBuf out = buffers.empty();

        new Udp(40000, 53, 10).emit(out, buffers.hex("e008"), SITE_IP, TENANT_IP);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.UDP_CHECKSUM_FFFF_PACKET.substring(2 * IPV4_HEADER));
    }

    @ParameterizedTest
    @ValueSource(strings = {GoldenPackets.UDP_PACKET, GoldenPackets.UDP_CHECKSUM_FFFF_PACKET,
        GoldenPackets.VXLAN_PACKET})
    void roundTrips(String packetHex) throws MalformedPacketException {
        ByteBuf packet = buffers.hex(packetHex);
        Ipv4 ip = Ipv4.parse(packet);
        ByteBuf datagram = packet.slice(IPV4_HEADER, ip.payloadLength());
        ByteBuf out = buffers.empty();

        Udp.parse(datagram, ip.source(), ip.destination())
                .emit(out, datagram.slice(Udp.HEADER_LENGTH, ip.payloadLength() - Udp.HEADER_LENGTH),
                        ip.source(), ip.destination());

        assertThat(Bytes.hexOf(out)).isEqualTo(Bytes.hexOf(datagram));
    }

    @Test
    void rejectsTruncationAtEveryLength() {
        for (int length = 0; length < hello.length; length++) {
            ByteBuf truncated = buffers.of(Bytes.range(hello, 0, length));
            String reason = length < Udp.HEADER_LENGTH ? "udp.truncated" : "udp.bad-length";

            assertRejected(reason, () -> Udp.parse(truncated, SITE_IP, TENANT_IP));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void rejectsALengthShorterThanTheHeader(int length) {
        ByteBuf datagram = buffers.of(Ipv4Test.withShort(hello, 4, length));

        assertRejected("udp.bad-length", () -> Udp.parse(datagram, SITE_IP, TENANT_IP));
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 0xFFFF})
    void rejectsALengthBeyondTheBytesPresent(int length) {
        ByteBuf datagram = buffers.of(Ipv4Test.withShort(hello, 4, length));

        assertRejected("udp.bad-length", () -> Udp.parse(datagram, SITE_IP, TENANT_IP));
    }

    @Test
    void rejectsAWrongChecksum() {
        ByteBuf datagram = buffers.of(Ipv4Test.withShort(hello, 6, 0x40a4));

        assertRejected("udp.bad-checksum", () -> Udp.parse(datagram, SITE_IP, TENANT_IP));
    }

    @Test
    void rejectsACorruptedPayload() {
        ByteBuf datagram = buffers.of(Ipv4Test.withByte(hello, hello.length - 1, 'S'));

        assertRejected("udp.bad-checksum", () -> Udp.parse(datagram, SITE_IP, TENANT_IP));
    }

    @Test
    void rejectsADatagramMeantForAnotherAddress() {
        // the pseudo header binds the datagram to its IP addresses
        ByteBuf datagram = buffers.of(hello);

        assertRejected("udp.bad-checksum", () -> Udp.parse(datagram, SITE_IP, TENANT_IP + 1));
    }

    @Test
    void parseReadsRelativeToTheReaderIndex() throws MalformedPacketException {
        ByteBuf datagram = buffers.withHeadroom(5, hello);

        assertThat(Udp.parse(datagram, SITE_IP, TENANT_IP)).isEqualTo(HELLO);
        assertThat(datagram.readerIndex()).isEqualTo(5);
    }
}
