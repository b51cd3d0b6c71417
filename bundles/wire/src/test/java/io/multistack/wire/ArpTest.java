package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.BROADCAST_MAC;
import static io.multistack.wire.GoldenPackets.SITE_IP;
import static io.multistack.wire.GoldenPackets.SITE_MAC;
import static io.multistack.wire.GoldenPackets.TENANT_IP;
import static io.multistack.wire.GoldenPackets.TENANT_MAC;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArpTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private static final Arp REQUEST = new Arp(Arp.REQUEST, SITE_MAC, SITE_IP, 0, TENANT_IP);
    private static final Arp REPLY = new Arp(Arp.REPLY, TENANT_MAC, TENANT_IP, SITE_MAC, SITE_IP);

    /** The ARP packet of a golden frame, reader index past the Ethernet header. */
    private ByteBuf arpOf(String frameHex) {
        return buffers.hex(frameHex).skipBytes(Ethernet.HEADER_LENGTH);
    }

    @Test
    void deconstructsGoldenRequest() throws MalformedPacketException {
        assertThat(Arp.parse(arpOf(GoldenPackets.ARP_REQUEST_FRAME))).isEqualTo(REQUEST);
    }

    @Test
    void deconstructsGoldenReply() throws MalformedPacketException {
        assertThat(Arp.parse(arpOf(GoldenPackets.ARP_REPLY_FRAME))).isEqualTo(REPLY);
    }

    @Test
    void deconstructsGoldenAnnouncement() throws MalformedPacketException {
        assertThat(Arp.parse(arpOf(GoldenPackets.ARP_ANNOUNCEMENT_FRAME)))
                .isEqualTo(new Arp(Arp.REQUEST, TENANT_MAC, TENANT_IP, 0, TENANT_IP));
    }

    @Test
    void constructsGoldenRequestFrame() {
        ByteBuf out = buffers.empty();

        new Ethernet.Header(BROADCAST_MAC, SITE_MAC, Ethernet.TYPE_ARP).emit(out);
        Arp.request(SITE_MAC, SITE_IP, TENANT_IP).emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ARP_REQUEST_FRAME);
    }

    @Test
    void constructsGoldenReplyFrame() {
        ByteBuf out = buffers.empty();

        new Ethernet.Header(SITE_MAC, TENANT_MAC, Ethernet.TYPE_ARP).emit(out);
        REPLY.emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ARP_REPLY_FRAME);
    }

    @Test
    void constructsGoldenAnnouncementFrame() {
        ByteBuf out = buffers.empty();

        new Ethernet.Header(BROADCAST_MAC, TENANT_MAC, Ethernet.TYPE_ARP).emit(out);
        Arp.announcement(TENANT_MAC, TENANT_IP).emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ARP_ANNOUNCEMENT_FRAME);
    }

    @Test
    void emitsExactly28Bytes() {
        ByteBuf out = buffers.empty();

        REPLY.emit(out);

        assertThat(out.readableBytes()).isEqualTo(Arp.LENGTH);
    }

    @ParameterizedTest
    @ValueSource(strings = {GoldenPackets.ARP_REQUEST_FRAME, GoldenPackets.ARP_REPLY_FRAME,
        GoldenPackets.ARP_ANNOUNCEMENT_FRAME})
    void roundTrips(String frameHex) throws MalformedPacketException {
        ByteBuf out = buffers.empty();

        Arp.parse(arpOf(frameHex)).emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(frameHex.substring(2 * Ethernet.HEADER_LENGTH));
    }

    @Test
    void acceptsEthernetPaddingAfterThePacket() throws MalformedPacketException {
        // on the wire a 42-byte ARP frame is padded to the 60-byte minimum
        ByteBuf padded = buffers.hex(GoldenPackets.ARP_REPLY_FRAME + "00".repeat(18)).skipBytes(14);

        assertThat(Arp.parse(padded)).isEqualTo(REPLY);
    }

    @Test
    void rejectsTruncationAtEveryLength() {
        byte[] packet = Bytes.range(Bytes.hex(GoldenPackets.ARP_REQUEST_FRAME), Ethernet.HEADER_LENGTH);
        for (int length = 0; length < Arp.LENGTH; length++) {
            ByteBuf truncated = buffers.of(Bytes.range(packet, 0, length));

            assertRejected("arp.truncated", () -> Arp.parse(truncated));
        }
    }

    /** Only Ethernet (1) / IPv4 (0x0800) / 6 / 4 is ARP as this stack speaks it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "htype IEEE 802,      0, 0006",
        "htype 0,             0, 0000",
        "ptype IPv6,          2, 86dd",
        "ptype ARP,           2, 0806",
        "hlen 8,              4, 08",
        "hlen 0,              4, 00",
        "plen 16,             5, 10",
        "plen 0,              5, 00",
    })
    void rejectsOtherHardwareAndProtocolTypes(String what, int offset, String replacement) {
        ByteBuf packet = arpWith(offset, replacement);

        assertRejected("arp.unsupported", () -> Arp.parse(packet));
    }

    @ParameterizedTest(name = "op {0}")
    @ValueSource(strings = {"0000", "0003", "0004", "0100", "0200", "ffff"})
    void rejectsOperationsOtherThanRequestAndReply(String operation) {
        ByteBuf packet = arpWith(6, operation);

        assertRejected("arp.bad-operation", () -> Arp.parse(packet));
    }

    @Test
    void parseReadsRelativeToTheReaderIndexAndDoesNotConsume() throws MalformedPacketException {
        ByteBuf frame = buffers.withHeadroom(3, Bytes.hex(GoldenPackets.ARP_REPLY_FRAME)).skipBytes(14);

        assertThat(Arp.parse(frame)).isEqualTo(REPLY);
        assertThat(frame.readerIndex()).isEqualTo(17);
    }

    private ByteBuf arpWith(int offset, String replacementHex) {
        byte[] packet = Bytes.range(Bytes.hex(GoldenPackets.ARP_REQUEST_FRAME), Ethernet.HEADER_LENGTH);
        byte[] replacement = Bytes.hex(replacementHex);
        System.arraycopy(replacement, 0, packet, offset, replacement.length);
        return buffers.of(packet);
    }
}
