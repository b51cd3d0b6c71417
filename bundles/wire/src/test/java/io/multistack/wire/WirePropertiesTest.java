package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Seeded properties: whatever valid value is emitted parses back to the same value. */
class WirePropertiesTest {
    private static final long SEED = 0xC0FFEEL;
    private static final int CASES = 2_000;

    @RegisterExtension
    final Buffers buffers = new Buffers();

    private final Random random = new Random(SEED);

    @Test
    void ethernetHeaders() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            Ethernet.Header header = new Ethernet.Header(mac(), mac(), random.nextInt(0x10000));
            ByteBuf out = buffers.empty();

            header.emit(out);

            assertThat(Ethernet.Header.parse(out)).isEqualTo(header);
        }
    }

    @Test
    void arpPackets() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            Arp arp = new Arp(1 + random.nextInt(2), mac(), random.nextInt(), mac(), random.nextInt());
            ByteBuf out = buffers.empty();

            arp.emit(out);

            assertThat(Arp.parse(out)).isEqualTo(arp);
        }
    }

    @Test
    void ipv4Headers() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            int payloadLength = random.nextInt(64);
            Ipv4 header = new Ipv4(20, random.nextInt(256), 20 + payloadLength, random.nextInt(0x10000),
                    random.nextInt(0x10000), random.nextInt(256), random.nextInt(256), random.nextInt(), random.nextInt());
            ByteBuf out = buffers.empty();

            header.emit(out);
            out.writeZero(payloadLength);

            assertThat(Ipv4.parse(out)).isEqualTo(header);
        }
    }

    @Test
    void icmpMessages() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            Icmpv4 icmp = new Icmpv4(random.nextInt(256), random.nextInt(256), random.nextInt(0x10000),
                    random.nextInt(0x10000));
            ByteBuf out = buffers.empty();

            icmp.emit(out, payload());

            assertThat(Icmpv4.parse(out)).isEqualTo(icmp);
        }
    }

    @Test
    void udpDatagramsAndTheirPseudoHeader() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            ByteBuf payload = payload();
            int source = random.nextInt();
            int destination = random.nextInt();
            Udp udp = new Udp(random.nextInt(0x10000), random.nextInt(0x10000), Udp.HEADER_LENGTH + payload.readableBytes());
            ByteBuf out = buffers.empty();

            udp.emit(out, payload, source, destination);

            assertThat(out.getUnsignedShort(6)).as("a checksum is always sent").isNotZero();
            assertThat(Udp.parse(out, source, destination)).isEqualTo(udp);
            assertThat(Rejections.rejection(() -> Udp.parse(out, source ^ 1, destination)).reason())
                    .isEqualTo("udp.bad-checksum");
        }
    }

    @Test
    void vxlanHeaders() throws MalformedPacketException {
        for (int i = 0; i < CASES; i++) {
            int vni = random.nextInt(Vxlan.MAX_VNI + 1);
            ByteBuf out = buffers.empty();

            Vxlan.encode(out, vni);
            out.writeZero(Ethernet.HEADER_LENGTH);

            assertThat(Vxlan.decode(out)).isEqualTo(vni);
        }
    }

    @Test
    void checksumOfDataFollowedByItsChecksumIsZero() {
        for (int i = 0; i < CASES; i++) {
            byte[] data = new byte[2 * random.nextInt(40)];
            random.nextBytes(data);
            ByteBuf buf = buffers.of(data);
            int checksum = Checksum.of(buf, 0, data.length);

            buf.writeShort(checksum);

            assertThat(Checksum.of(buf, 0, buf.readableBytes())).isZero();
        }
    }

    private long mac() {
        return random.nextLong() & 0xFFFF_FFFF_FFFFL;
    }

    private ByteBuf payload() {
        byte[] bytes = new byte[random.nextInt(48)];
        random.nextBytes(bytes);
        return buffers.of(bytes);
    }
}
