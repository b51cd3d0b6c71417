package io.multistack.wire;

/**
 * Reference packets built by scapy, an independent implementation of every header
 * ({@code src/test/scapy/golden_packets.py} regenerates them). Hex text, so no test can
 * mutate a shared constant; {@link Bytes#hex} makes a fresh array each time.
 *
 * <p>Addresses follow the patent's demo: site host 192.168.1.10 (MAC 02:00:00:00:00:0a), tenant
 * 192.168.1.1 (MAC 02:00:00:00:02:58); the VXLAN underlay is 198.51.100.0/24.
 */
final class GoldenPackets {
    private GoldenPackets() {}

    static final long SITE_MAC = 0x02_00_00_00_00_0AL;
    static final long TENANT_MAC = 0x02_00_00_00_02_58L;
    static final long BROADCAST_MAC = 0xFF_FF_FF_FF_FF_FFL;
    static final int SITE_IP = 0xC0A8_010A;
    static final int TENANT_IP = 0xC0A8_0101;

    /** Ether(broadcast) / ARP who-has 192.168.1.1 tell 192.168.1.10. */
    static final String ARP_REQUEST_FRAME =
            "ffffffffffff02000000000a0806" + "0001080006040001" + "02000000000ac0a8010a" + "000000000000c0a80101";
    /** Ether / ARP 192.168.1.1 is-at 02:00:00:00:02:58. */
    static final String ARP_REPLY_FRAME =
            "02000000000a0200000002580806" + "0001080006040002" + "020000000258c0a80101" + "02000000000ac0a8010a";
    /** Ether(broadcast) / gratuitous ARP request for 192.168.1.1 by its owner. */
    static final String ARP_ANNOUNCEMENT_FRAME =
            "ffffffffffff0200000002580806" + "0001080006040001" + "020000000258c0a80101" + "000000000000c0a80101";

    /** IPv4(DF, id 0x1c46, ttl 64) / ICMP echo request id 0x0b3a seq 7 / 24 payload bytes "A".."X". */
    static final String ICMP_ECHO_REQUEST_PACKET = "450000341c46400040019b27c0a8010ac0a80101"
            + "0800591f0b3a0007" + "4142434445464748494a4b4c4d4e4f505152535455565758";
    /** The tenant's echo reply to it (IPv4 id 1). */
    static final String ICMP_ECHO_REPLY_PACKET = "45000034000140004001b76cc0a80101c0a8010a"
            + "0000611f0b3a0007" + "4142434445464748494a4b4c4d4e4f505152535455565758";
    /** A bare ICMP echo request, id 0xbeef seq 0xffff, with a 5-byte (odd) payload. */
    static final String ICMP_ODD_PAYLOAD_MESSAGE = "0800300abeefffff" + "0102030405";

    /** IHL 6: IGMP-like packet 10.0.0.1 → 224.0.0.22, TOS 0xc0, TTL 1, Router Alert option, 8 payload bytes. */
    static final String IPV4_WITH_OPTIONS_PACKET = "46c000200000000001003a030a000001e0000016" + "94040000"
            + "2200000000000000";
    /** A bare header: MF set, fragment offset 185, TOS 0xb8, id 0xabcd, TTL 17, UDP, total length 1500. */
    static final String IPV4_FRAGMENT_HEADER = "45b805dcabcd20b911117092cb007105c6336407";

    /** IPv4 / UDP 40000 → 53 / "hello, tenant" (13 bytes, so the checksum pads an odd byte). */
    static final String UDP_PACKET = "450000294242400040117526c0a8010ac0a80101"
            + "9c400035001540a3" + "68656c6c6f2c2074656e616e74";
    /** The same datagram sent without a checksum (field 0). */
    static final String UDP_NO_CHECKSUM_PACKET = "450000294243400040117525c0a8010ac0a80101"
            + "9c40003500150000" + "68656c6c6f2c2074656e616e74";
    /** A datagram whose checksum computes to 0, which RFC 768 transmits as 0xffff. Payload e008. */
    static final String UDP_CHECKSUM_FFFF_PACKET = "4500001e424440004011752fc0a8010ac0a80101"
            + "9c400035000affff" + "e008";

    /** Ether / 802.1Q (PCP 0, DEI 0, VID 600) / the ICMP echo request above. */
    static final String TAGGED_FRAME = "02000000025802000000000a" + "81000258" + "0800"
            + ICMP_ECHO_REQUEST_PACKET;
    /** The same frame without its tag. */
    static final String UNTAGGED_FRAME = "02000000025802000000000a" + "0800" + ICMP_ECHO_REQUEST_PACKET;
    /** Ether / 802.1Q (PCP 7, DEI 1, VID 4094) / ARP request. */
    static final String TAGGED_PCP_DEI_FRAME = "02000000025802000000000a" + "8100fffe" + "0806"
            + "0001080006040001" + "02000000000ac0a8010a" + "000000000000c0a80101";

    /** IPv4 198.51.100.11 → .1 / UDP 51234 → 4789 / VXLAN (I, VNI 0x123456) / the ARP request frame. */
    static final String VXLAN_PACKET = "4500004e0d0e40004011d91dc633640bc6336401" + "c82212b5003ac27d"
            + "0800000012345600" + ARP_REQUEST_FRAME;
    /** The same, as scapy emits by default: flags 0x0c (I plus GPE's P bit), next protocol 3 in a reserved byte. */
    static final String VXLAN_GPE_STYLE_PACKET = "4500004e0d0e40004011d91dc633640bc6336401" + "c82212b5003abe7a"
            + "0c00000312345600" + ARP_REQUEST_FRAME;

    static final int IPV4_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int VXLAN_OFFSET = IPV4_HEADER + UDP_HEADER;
}
