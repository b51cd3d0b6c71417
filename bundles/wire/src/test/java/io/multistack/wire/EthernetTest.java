package io.multistack.wire;

import static io.multistack.wire.GoldenPackets.BROADCAST_MAC;
import static io.multistack.wire.GoldenPackets.SITE_MAC;
import static io.multistack.wire.GoldenPackets.TENANT_MAC;
import static io.multistack.wire.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EthernetTest {
    @RegisterExtension
    final Buffers buffers = new Buffers();

    private final byte[] golden = Bytes.hex(GoldenPackets.ARP_REPLY_FRAME);

    @Test
    void deconstructsGoldenHeader() throws MalformedPacketException {
        ByteBuf frame = buffers.of(golden);

        Ethernet.Header header = Ethernet.Header.parse(frame);

        assertThat(header).isEqualTo(new Ethernet.Header(SITE_MAC, TENANT_MAC, Ethernet.TYPE_ARP));
        assertThat(frame.readerIndex()).as("parse does not consume").isZero();
    }

    @Test
    void accessorsReadRelativeToTheReaderIndex() {
        ByteBuf frame = buffers.withHeadroom(5, golden);

        assertThat(Ethernet.destination(frame)).isEqualTo(SITE_MAC);
        assertThat(Ethernet.source(frame)).isEqualTo(TENANT_MAC);
        assertThat(Ethernet.etherType(frame)).isEqualTo(Ethernet.TYPE_ARP);
    }

    @Test
    void constructsGoldenHeader() {
        ByteBuf out = buffers.empty();

        new Ethernet.Header(SITE_MAC, TENANT_MAC, Ethernet.TYPE_ARP).emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(GoldenPackets.ARP_REPLY_FRAME.substring(0, 28));
    }

    @Test
    void roundTripsAtAnOffset() throws MalformedPacketException {
        ByteBuf frame = buffers.withHeadroom(3, golden);
        ByteBuf out = buffers.empty().writeZero(3).readerIndex(3);

        Ethernet.Header.parse(frame).emit(out);

        assertThat(Bytes.hexOf(out)).isEqualTo(Bytes.hexOf(frame.slice(frame.readerIndex(), 14)));
    }

    @Test
    void rejectsFramesShorterThanTheHeaderAtEveryLength() {
        for (int length = 0; length < Ethernet.HEADER_LENGTH; length++) {
            ByteBuf truncated = buffers.of(Bytes.range(golden, 0, length));

            assertRejected("ethernet.truncated", () -> Ethernet.Header.parse(truncated));
            assertRejected("ethernet.truncated", () -> Ethernet.check(truncated));
        }
    }

    @Test
    void macsUseAll48BitsWithoutSignExtension() {
        ByteBuf buf = buffers.empty();

        Ethernet.writeMac(buf, BROADCAST_MAC);
        Ethernet.writeMac(buf, 0x80_00_00_00_00_01L);

        assertThat(Bytes.hexOf(buf)).isEqualTo("ffffffffffff" + "800000000001");
        assertThat(Ethernet.getMac(buf, 0)).isEqualTo(BROADCAST_MAC);
        assertThat(Ethernet.getMac(buf, 6)).isEqualTo(0x80_00_00_00_00_01L);
    }

    @Test
    void setMacWritesInPlaceWithoutMovingIndexes() {
        ByteBuf buf = buffers.of(new byte[14]);

        Ethernet.setMac(buf, 6, 0xFE_DC_BA_98_76_54L);

        assertThat(Bytes.hexOf(buf)).isEqualTo("000000000000" + "fedcba987654" + "0000");
        assertThat(buf.readerIndex()).isZero();
        assertThat(buf.writerIndex()).isEqualTo(14);
    }

    @Test
    void multicastIsTheLowBitOfTheFirstOctet() {
        assertThat(Ethernet.isMulticast(BROADCAST_MAC)).isTrue();
        assertThat(Ethernet.isMulticast(0x01_00_5E_00_00_16L)).isTrue();
        assertThat(Ethernet.isMulticast(0x33_33_00_00_00_01L)).isTrue();
        assertThat(Ethernet.isMulticast(SITE_MAC)).isFalse();
        assertThat(Ethernet.isMulticast(0xFE_FF_FF_FF_FF_FFL)).isFalse();
    }
}
