package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.IPV4_HEADER;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Icmpv4Test {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private static final String PAYLOAD = "4142434445464748494a4b4c4d4e4f505152535455565758";

    private final byte[] echoRequest = Bytes.range(Bytes.hex(GoldenPackets.ICMP_ECHO_REQUEST_PACKET), IPV4_HEADER);
    private final byte[] echoReply = Bytes.range(Bytes.hex(GoldenPackets.ICMP_ECHO_REPLY_PACKET), IPV4_HEADER);

    @Test
    void deconstructsGoldenEchoRequest() throws MalformedPacketException {
        ByteBuf message = buffers.of(echoRequest);

        Icmpv4 icmp = Icmpv4.parse(message);

        assertThat(icmp).isEqualTo(new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0x0b3a, 7));
        assertThat(icmp.isEcho()).isTrue();
        assertThat(message.readerIndex()).as("parse does not consume").isZero();
    }

    @Test
    void deconstructsGoldenEchoReply() throws MalformedPacketException {
        assertThat(Icmpv4.parse(buffers.of(echoReply))).isEqualTo(new Icmpv4(Icmpv4.ECHO_REPLY, 0, 0x0b3a, 7));
    }

    @Test
    void deconstructsOddLengthMessage() throws MalformedPacketException {
        assertThat(Icmpv4.parse(buffers.hex(GoldenPackets.ICMP_ODD_PAYLOAD_MESSAGE)))
                .isEqualTo(new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0xbeef, 0xffff));
    }

    @Test
    void accessorsReadWhatParseReadsAtTheMessagesIndex() throws MalformedPacketException {
        ByteBuf message = buffers.withHeadroom(5, echoRequest, true);

        Icmpv4.check(message);

        assertThat(Icmpv4.type(message, 5)).isEqualTo(Icmpv4.ECHO_REQUEST);
        assertThat(Icmpv4.code(message, 5)).isZero();
        assertThat(Icmpv4.identifier(message, 5)).isEqualTo(0x0b3a);
        assertThat(Icmpv4.sequence(message, 5)).isEqualTo(7);
        assertThat(Icmpv4.restOfHeader(message, 5)).isEqualTo(0x0b3a_0007);
        assertThat(message.readerIndex()).as("check does not consume").isEqualTo(5);
    }

    @Test
    void anEchoRequestAnsweredInPlaceIsTheGoldenReply() throws MalformedPacketException {
        ByteBuf message = buffers.withHeadroom(5, echoRequest, true);

        Icmpv4.answerEchoInPlace(message, 5);

        byte[] answered = new byte[echoRequest.length];
        message.getBytes(5, answered);
        assertThat(answered).isEqualTo(echoReply);
        Icmpv4.check(message);
    }

    @Test
    void checkRejectsWhatParseRejects() {
        byte[] corrupted = echoRequest.clone();
        corrupted[3] ^= 1;
        ByteBuf truncated = buffers.of(Bytes.range(echoRequest, 0, 7));

        assertRejected("icmp.bad-checksum", () -> Icmpv4.check(buffers.of(corrupted)));
        assertRejected("icmp.truncated", () -> Icmpv4.check(truncated));
    }

    @Test
    void staticEmitWritesTheGoldenEchoReply() {
        ByteBuf out = buffers.empty();

        Icmpv4.emit(out, Icmpv4.ECHO_REPLY, 0, 0x0b3a_0007, buffers.hex("00" + PAYLOAD), 1, PAYLOAD.length() / 2);

        assertThat(Bytes.hexOf(out)).isEqualTo(Bytes.hexOf(buffers.of(echoReply)));
    }

    @Test
    void parsesTheMessageInsideTheGoldenIpPacket() throws MalformedPacketException {
        ByteBuf packet = buffers.hex(GoldenPackets.ICMP_ECHO_REQUEST_PACKET);
        Ipv4 ip = Ipv4.parse(packet);

        ByteBuf message = packet.slice(packet.readerIndex() + ip.headerLength(), ip.payloadLength());

        assertThat(Icmpv4.parse(message).sequence()).isEqualTo(7);
    }

    @Test
    void constructsGoldenEchoRequest() {
        ByteBuf out = buffers.empty();
        ByteBuf payload = buffers.hex(PAYLOAD);

        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0x0b3a, 7).emit(out, payload);

        assertThat(Bytes.hexOf(out)).isEqualTo(Bytes.hexOf(buffers.of(echoRequest)));
        assertThat(payload.readerIndex()).as("payload left unread").isZero();
    }

    @Test
    void constructsGoldenEchoReplyPacket() {
        ByteBuf out = buffers.empty();

        Ipv4.of(Ipv4.PROTOCOL_ICMP, GoldenPackets.TENANT_IP, GoldenPackets.SITE_IP, 32, 1, 64).emit(out);
        new Icmpv4(Icmpv4.ECHO_REPLY, 0, 0x0b3a, 7).emit(out, buffers.hex(PAYLOAD));

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ECHO_REPLY_PACKET);
    }

    @Test
    void constructsGoldenOddLengthMessage() {
        ByteBuf out = buffers.empty();

        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0xbeef, 0xffff).emit(out, buffers.hex("0102030405"));

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ODD_PAYLOAD_MESSAGE);
    }

    @Test
    void emitsAfterExistingBytesWithTheChecksumOverTheMessageOnly() {
        ByteBuf out = buffers.empty().writeBytes(Bytes.hex("ffff"));

        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0xbeef, 0xffff).emit(out, buffers.hex("0102030405"));

        assertThat(Bytes.hexOf(out)).isEqualTo("ffff" + GoldenPackets.ICMP_ODD_PAYLOAD_MESSAGE);
    }

    @Test
    void emitsFromThePayloadsReaderIndex() {
        ByteBuf out = buffers.empty();
        ByteBuf payload = buffers.withHeadroom(3, Bytes.hex("0102030405"));

        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0xbeef, 0xffff).emit(out, payload);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ODD_PAYLOAD_MESSAGE);
        assertThat(payload.readerIndex()).isEqualTo(3);
    }

    @Test
    void emitsAPayloadRegionOfAnotherBufferWithoutMovingItsIndexes() {
        ByteBuf out = buffers.empty();
        ByteBuf packet = buffers.hex("aaaa0102030405bb");

        new Icmpv4(Icmpv4.ECHO_REQUEST, 0, 0xbeef, 0xffff).emit(out, packet, 2, 5);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ICMP_ODD_PAYLOAD_MESSAGE);
        assertThat(packet.readerIndex()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {GoldenPackets.ICMP_ECHO_REQUEST_PACKET, GoldenPackets.ICMP_ECHO_REPLY_PACKET})
    void roundTrips(String packetHex) throws MalformedPacketException {
        byte[] message = Bytes.range(Bytes.hex(packetHex), IPV4_HEADER);
        ByteBuf in = buffers.of(message);
        ByteBuf out = buffers.empty();

        Icmpv4.parse(in).emit(out, in.slice(Icmpv4.HEADER_LENGTH, message.length - Icmpv4.HEADER_LENGTH));

        assertThat(Bytes.hexOf(out)).isEqualTo(Bytes.hexOf(in));
    }

    @Test
    void onlyEchoTypesAreEcho() {
        assertThat(new Icmpv4(Icmpv4.DESTINATION_UNREACHABLE, 3, 0, 0).isEcho()).isFalse();
        assertThat(new Icmpv4(Icmpv4.TIME_EXCEEDED, 0, 0, 0).isEcho()).isFalse();
    }

    @Test
    void rejectsTruncationAtEveryLength() {
        for (int length = 0; length < echoRequest.length; length++) {
            ByteBuf truncated = buffers.of(Bytes.range(echoRequest, 0, length));
            // below 8 bytes there is no header; beyond, every cut of this golden changes the sum
            String reason = length < Icmpv4.HEADER_LENGTH ? "icmp.truncated" : "icmp.bad-checksum";

            assertRejected(reason, () -> Icmpv4.parse(truncated));
        }
    }

    @Test
    void rejectsAWrongChecksum() {
        byte[] message = echoRequest.clone();
        message[3] ^= 1;

        assertRejected("icmp.bad-checksum", () -> Icmpv4.parse(buffers.of(message)));
    }

    @Test
    void rejectsACorruptedPayload() {
        byte[] message = echoRequest.clone();
        message[message.length - 1] = 'Y';

        assertRejected("icmp.bad-checksum", () -> Icmpv4.parse(buffers.of(message)));
    }

    @Test
    void rejectsTrailingBytesBecauseTheChecksumCoversAllReadableBytes() {
        ByteBuf padded = buffers.of(echoRequest).writeBytes(Bytes.hex("01"));

        assertRejected("icmp.bad-checksum", () -> Icmpv4.parse(padded));
    }
}
