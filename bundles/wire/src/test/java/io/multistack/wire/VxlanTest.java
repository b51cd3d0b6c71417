package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.VXLAN_OFFSET;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VxlanTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private static final int VNI = 0x123456;
    private static final int SITE_UNDERLAY = 0xC633_640B; // 198.51.100.11
    private static final int APPLIANCE_UNDERLAY = 0xC633_6401; // 198.51.100.1

    private final byte[] vxlan = Bytes.range(Bytes.hex(GoldenPackets.VXLAN_PACKET), VXLAN_OFFSET);
    private final byte[] innerFrame = Bytes.hex(GoldenPackets.ARP_REQUEST_FRAME);

    @Test
    void decodesGoldenHeaderAndLeavesTheInnerFrameReadable() throws MalformedPacketException {
        ByteBuf packet = buffers.of(vxlan);

        assertThat(Vxlan.decode(packet)).isEqualTo(VNI);
        assertThat(packet.readerIndex()).isEqualTo(Vxlan.HEADER_LENGTH);
        assertThat(Bytes.hexOf(packet)).isEqualTo(GoldenPackets.ARP_REQUEST_FRAME);
    }

    @Test
    void decodesAtTheReaderIndexOfTheWholeUdpPayload() throws MalformedPacketException {
        ByteBuf packet = buffers.hex(GoldenPackets.VXLAN_PACKET).skipBytes(VXLAN_OFFSET);

        assertThat(Vxlan.decode(packet)).isEqualTo(VNI);
        assertThat(Ethernet.etherType(packet)).isEqualTo(Ethernet.TYPE_ARP);
    }

    @Test
    void ignoresReservedBitsAndOtherFlagsAsRfc7348Requires() throws MalformedPacketException {
        ByteBuf packet = buffers.of(Bytes.range(Bytes.hex(GoldenPackets.VXLAN_GPE_STYLE_PACKET), VXLAN_OFFSET));

        assertThat(Vxlan.decode(packet)).isEqualTo(VNI);
    }

    @Test
    void ignoresTheReservedByteAfterTheVni() throws MalformedPacketException {
        ByteBuf packet = buffers.of(Ipv4Test.withByte(vxlan, 7, 0xFF));

        assertThat(Vxlan.decode(packet)).isEqualTo(VNI);
    }

    @Test
    void encodesGoldenHeader() {
        ByteBuf out = buffers.empty();

        Vxlan.encode(out, VNI);

        assertThat(Bytes.hexOf(out)).isEqualTo("0800000012345600");
    }

    @Test
    void prependsGoldenHeaderIntoHeadroom() {
        ByteBuf frame = buffers.withHeadroom(11, innerFrame);

        Vxlan.prepend(frame, VNI);

        assertThat(frame.readerIndex()).isEqualTo(3);
        assertThat(Bytes.hexOf(frame)).isEqualTo(Bytes.hexOf(buffers.of(vxlan)));
        assertThat(Bytes.hexOf(frame.slice(0, 3))).as("bytes before the header untouched").isEqualTo("eeeeee");
    }

    @Test
    void constructsTheWholeGoldenPacket() {
        ByteBuf vxlanPayload = buffers.withHeadroom(Vxlan.HEADER_LENGTH, innerFrame);
        Vxlan.prepend(vxlanPayload, VNI);
        int udpLength = Udp.HEADER_LENGTH + vxlanPayload.readableBytes();
        ByteBuf out = buffers.empty();

        Ipv4.of(Ipv4.PROTOCOL_UDP, SITE_UNDERLAY, APPLIANCE_UNDERLAY, udpLength, 0x0d0e, 64).emit(out);
        new Udp(51234, Vxlan.PORT, udpLength).emit(out, vxlanPayload, SITE_UNDERLAY, APPLIANCE_UNDERLAY);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.VXLAN_PACKET);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 600, VNI, Vxlan.MAX_VNI})
    void roundTripsEveryVniWidth(int vni) throws MalformedPacketException {
        ByteBuf packet = buffers.empty();
        Vxlan.encode(packet, vni);
        packet.writeBytes(innerFrame);

        assertThat(Vxlan.decode(packet)).isEqualTo(vni);
        assertThat(Bytes.hexOf(packet)).isEqualTo(GoldenPackets.ARP_REQUEST_FRAME);
    }

    @Test
    void decodeThenPrependRestoresThePacketInPlace() throws MalformedPacketException {
        ByteBuf packet = buffers.of(vxlan);

        Vxlan.prepend(packet, Vxlan.decode(packet));

        assertThat(packet.readerIndex()).isZero();
        assertThat(Bytes.hexOf(packet)).isEqualTo(Bytes.hexOf(buffers.of(vxlan)));
    }

    @Test
    void rejectsAHeaderWithoutTheIFlag() {
        ByteBuf packet = buffers.of(Ipv4Test.withByte(vxlan, 0, 0x00));

        assertRejected("vxlan.no-vni", () -> Vxlan.decode(packet));
        assertThat(packet.readerIndex()).as("a rejected packet is not consumed").isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x80, 0xF7})
    void rejectsOtherFlagsWithoutTheIFlag(int flags) {
        ByteBuf packet = buffers.of(Ipv4Test.withByte(vxlan, 0, flags));

        assertRejected("vxlan.no-vni", () -> Vxlan.decode(packet));
    }

    @Test
    void rejectsTruncationAtEveryLengthBelowHeaderPlusInnerEthernet() {
        for (int length = 0; length < Vxlan.HEADER_LENGTH + Ethernet.HEADER_LENGTH; length++) {
            ByteBuf truncated = buffers.of(Bytes.range(vxlan, 0, length));

            assertRejected("vxlan.truncated", () -> Vxlan.decode(truncated));
            assertThat(truncated.readerIndex()).isZero();
        }
    }
}
