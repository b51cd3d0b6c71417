#!/usr/bin/python3
"""A throwaway VXLAN responder standing in for the appliance in the harness self-test.

It answers ARP requests and ICMP echo requests per (outer source IP, VNI), each row with
its own MAC and IPv4 address, the way a tenant of the appliance would. Frames from an
unknown (source, VNI) are counted and dropped. It exists only to prove the e2e harness
(namespaces, veths, kernel vxlan devices, probes) against the kernel, not to test
multistack.

    responder.py LISTEN_IP:PORT REMOTE,VNI,MAC,IP [...]

SIGTERM exits 0 after printing the drop count.
"""
import signal
import socket
import sys

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Ether
from scapy.layers.vxlan import VXLAN

VXLAN_PORT = 4789


def parse_rows(args):
    rows = {}
    for arg in args:
        remote, vni, mac, ip = arg.split(",")
        rows[(remote, int(vni))] = (mac, ip)
    return rows


def answer(frame, mac, ip):
    """The reply a host owning (mac, ip) gives to frame, or None."""
    if ARP in frame and frame[ARP].op == 1 and frame[ARP].pdst == ip:
        return Ether(src=mac, dst=frame.src) / ARP(
            op=2, hwsrc=mac, psrc=ip, hwdst=frame[ARP].hwsrc, pdst=frame[ARP].psrc)
    if IP in frame and ICMP in frame and frame[IP].dst == ip and frame[ICMP].type == 8:
        icmp = frame[ICMP]
        return Ether(src=mac, dst=frame.src) / IP(src=ip, dst=frame[IP].src) / ICMP(
            type=0, id=icmp.id, seq=icmp.seq) / bytes(icmp.payload)
    return None


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    rows = parse_rows(sys.argv[2:])
    drops = 0

    def stop(*_):
        print(f"unknown-tunnel drops {drops}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, int(port)))
    print("ready", flush=True)
    while True:
        data, (source, _port) = sock.recvfrom(65535)
        packet = VXLAN(data)
        row = rows.get((source, packet.vni))
        if row is None:
            drops += 1
            continue
        reply = answer(packet.payload, *row)
        if reply is not None:
            # Replies go to the site's VXLAN port, never to the hashed source port.
            sock.sendto(bytes(VXLAN(vni=packet.vni, flags=0x08) / reply), (source, VXLAN_PORT))


if __name__ == "__main__":
    main()
