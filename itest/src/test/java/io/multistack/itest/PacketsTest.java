package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.itest.Packets.Arp;
import io.multistack.itest.Packets.Ethernet;
import io.multistack.itest.Packets.IcmpEcho;
import io.multistack.itest.Packets.Ipv4;
import io.multistack.itest.Packets.Vxlan;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test's own packet code must be right before it can judge the appliance's (runs in surefire). */
class PacketsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void internetChecksumOfAKnownIpv4Header() {
        // The classic example header; its checksum field (b861) zeroed.
        byte[] header = HEX.parseHex("450000730000400040110000c0a80001c0a800c7");
        assertThat(Packets.checksum(header, 0, header.length)).isEqualTo(0xb861);
    }

    @Test
    void vxlanHeaderHasFlagsAndVniInPlace() {
        byte[] packet = Vxlan.of(100, new byte[] {1, 2}).bytes();
        assertThat(HEX.formatHex(packet)).isEqualTo("08000000" + "00006400" + "0102");
        Vxlan parsed = Vxlan.parse(packet, packet.length);
        assertThat(parsed.flags()).isEqualTo(0x08);
        assertThat(parsed.vni()).isEqualTo(100);
        assertThat(parsed.frame()).containsExactly(1, 2);
    }

    @Test
    void arpRequestHasTheRfc826Layout() {
        Arp request = Arp.request(Packets.mac("02:00:00:00:00:10"), Packets.ipv4("192.168.1.10"),
                Packets.ipv4("192.168.1.1"));
        assertThat(HEX.formatHex(request.bytes())).isEqualTo(
                "0001" + "0800" + "06" + "04" + "0001" + "020000000010" + "c0a8010a" + "000000000000" + "c0a80101");
        Arp reply = Arp.parse(request.replyFrom(Packets.mac("02:6d:73:00:02:58")).bytes());
        assertThat(reply.operation()).isEqualTo(Arp.REPLY);
        assertThat(Packets.mac(reply.senderMac())).isEqualTo("02:6d:73:00:02:58");
        assertThat(reply.targetIp()).isEqualTo(Packets.ipv4("192.168.1.10"));
    }

    @Test
    void echoRequestRoundTripsWithValidChecksums() {
        byte[] data = {1, 2, 3}; // odd length exercises the checksum's padding
        byte[] ip = Ipv4.of(7, Packets.PROTOCOL_ICMP, Packets.ipv4("192.168.1.10"), Packets.ipv4("192.168.1.1"),
                IcmpEcho.request(0x1234, 9, data).bytes()).bytes();
        Ethernet frame = Ethernet.parse(new Ethernet(Packets.mac("02:6d:73:00:02:58"),
                Packets.mac("02:00:00:00:00:10"), Packets.ETHERTYPE_IPV4, ip).bytes());

        Ipv4 parsed = Ipv4.parse(frame.payload());
        assertThat(parsed.headerChecksumValid()).isTrue();
        assertThat(parsed.protocol()).isEqualTo(Packets.PROTOCOL_ICMP);
        IcmpEcho echo = IcmpEcho.parse(parsed.payload());
        assertThat(echo.checksumValid()).isTrue();
        assertThat(echo.type()).isEqualTo(IcmpEcho.REQUEST);
        assertThat(echo.identifier()).isEqualTo(0x1234);
        assertThat(echo.sequence()).isEqualTo(9);
        assertThat(echo.data()).containsExactly(1, 2, 3);
    }

    @Test
    void corruptedChecksumsAreDetected() {
        byte[] message = IcmpEcho.request(1, 1, new byte[] {42}).bytes();
        message[8] ^= 1;
        assertThat(IcmpEcho.parse(message).checksumValid()).isFalse();
    }

    @Test
    void truncatedPacketsAreReportedAsMalformed() {
        assertThatThrownBy(() -> Ipv4.parse(new byte[19])).isInstanceOf(Packets.MalformedPacket.class);
        assertThatThrownBy(() -> Vxlan.parse(new byte[7], 7)).isInstanceOf(Packets.MalformedPacket.class);
    }
}
