#!/usr/bin/python3
"""Builds the reference packets pasted into GoldenPackets.java (run: /usr/bin/python3 golden_packets.py).

Scapy is an independent implementation of every header, so bytes it produces are a fair
oracle for our parse and emit code. Output: NAME = hex, one per line.
"""
from scapy.all import ARP, Dot1Q, Ether, ICMP, IP, IPOption_Router_Alert, UDP, VXLAN, raw

SITE_MAC = "02:00:00:00:00:0a"
TENANT_MAC = "02:00:00:00:02:58"
SITE_IP = "192.168.1.10"
TENANT_IP = "192.168.1.1"
PAYLOAD = bytes(range(0x41, 0x41 + 24))  # 24 non-zero bytes "ABC...X"

packets = {
    "ARP_REQUEST_FRAME": Ether(dst="ff:ff:ff:ff:ff:ff", src=SITE_MAC)
        / ARP(op=1, hwsrc=SITE_MAC, psrc=SITE_IP, hwdst="00:00:00:00:00:00", pdst=TENANT_IP),
    "ARP_REPLY_FRAME": Ether(dst=SITE_MAC, src=TENANT_MAC)
        / ARP(op=2, hwsrc=TENANT_MAC, psrc=TENANT_IP, hwdst=SITE_MAC, pdst=SITE_IP),
    "ARP_ANNOUNCEMENT_FRAME": Ether(dst="ff:ff:ff:ff:ff:ff", src=TENANT_MAC)
        / ARP(op=1, hwsrc=TENANT_MAC, psrc=TENANT_IP, hwdst="00:00:00:00:00:00", pdst=TENANT_IP),
    "ICMP_ECHO_REQUEST_PACKET": IP(src=SITE_IP, dst=TENANT_IP, id=0x1c46, flags="DF", ttl=64)
        / ICMP(type=8, code=0, id=0x0b3a, seq=7) / PAYLOAD,
    "ICMP_ECHO_REPLY_PACKET": IP(src=TENANT_IP, dst=SITE_IP, id=0x0001, flags="DF", ttl=64)
        / ICMP(type=0, code=0, id=0x0b3a, seq=7) / PAYLOAD,
    "ICMP_ODD_PAYLOAD_MESSAGE": ICMP(type=8, code=0, id=0xbeef, seq=0xffff) / b"\x01\x02\x03\x04\x05",
    "IPV4_WITH_OPTIONS_PACKET": IP(src="10.0.0.1", dst="224.0.0.22", id=0, ttl=1, tos=0xc0,
        options=[IPOption_Router_Alert()]) / (b"\x22" + b"\x00" * 7),
    "IPV4_FRAGMENT_HEADER": IP(src="203.0.113.5", dst="198.51.100.7", id=0xabcd, flags="MF", frag=185,
        ttl=17, tos=0xb8, proto=17, len=1500),
    "UDP_PACKET": IP(src=SITE_IP, dst=TENANT_IP, id=0x4242, flags="DF", ttl=64)
        / UDP(sport=40000, dport=53) / b"hello, tenant",
    "UDP_NO_CHECKSUM_PACKET": IP(src=SITE_IP, dst=TENANT_IP, id=0x4243, flags="DF", ttl=64)
        / UDP(sport=40000, dport=53, chksum=0) / b"hello, tenant",
    "TAGGED_FRAME": Ether(dst=TENANT_MAC, src=SITE_MAC) / Dot1Q(vlan=600)
        / IP(src=SITE_IP, dst=TENANT_IP, id=0x1c46, flags="DF", ttl=64) / ICMP(id=0x0b3a, seq=7) / PAYLOAD,
    "UNTAGGED_FRAME": Ether(dst=TENANT_MAC, src=SITE_MAC)
        / IP(src=SITE_IP, dst=TENANT_IP, id=0x1c46, flags="DF", ttl=64) / ICMP(id=0x0b3a, seq=7) / PAYLOAD,
    "TAGGED_PCP_DEI_FRAME": Ether(dst=TENANT_MAC, src=SITE_MAC) / Dot1Q(prio=7, id=1, vlan=4094)
        / ARP(op=1, hwsrc=SITE_MAC, psrc=SITE_IP, pdst=TENANT_IP),
    "VXLAN_PACKET": IP(src="198.51.100.11", dst="198.51.100.1", id=0x0d0e, flags="DF", ttl=64)
        / UDP(sport=51234, dport=4789) / VXLAN(flags=0x08, vni=0x123456)
        / Ether(dst="ff:ff:ff:ff:ff:ff", src=SITE_MAC)
        / ARP(op=1, hwsrc=SITE_MAC, psrc=SITE_IP, pdst=TENANT_IP),
}
# Scapy's default VXLAN flags when an Ether follows: I plus the GPE P bit, next protocol 3 in a
# reserved byte. RFC 7348 receivers must ignore both.
packets["VXLAN_GPE_STYLE_PACKET"] = IP(src="198.51.100.11", dst="198.51.100.1", id=0x0d0e, flags="DF", ttl=64) \
    / UDP(sport=51234, dport=4789) / VXLAN(vni=0x123456) \
    / Ether(dst="ff:ff:ff:ff:ff:ff", src=SITE_MAC) / ARP(op=1, hwsrc=SITE_MAC, psrc=SITE_IP, pdst=TENANT_IP)

# A UDP datagram whose checksum computes to 0: RFC 768 sends that as 0xFFFF.
for n in range(1 << 16):
    candidate = IP(src=SITE_IP, dst=TENANT_IP, id=0x4244, flags="DF", ttl=64) \
        / UDP(sport=40000, dport=53) / n.to_bytes(2, "big")
    if IP(raw(candidate))[UDP].chksum == 0xFFFF:
        packets["UDP_CHECKSUM_FFFF_PACKET"] = candidate
        break

for name, packet in packets.items():
    print(f"{name} = {raw(packet).hex()}")
