"""Bridges a TUN device to stdin/stdout (2-byte big-endian length + IPv4 packet), dropping
packets at a seeded rate. Run inside a network namespace created by the test:
    ip netns exec NS python3 tun_bridge.py LOSS SEED
Prints b'R' when tun0 (10.99.0.1/24) is up. Exits when stdin closes."""
import fcntl
import os
import random
import select
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

loss = float(sys.argv[1])
rnd = random.Random(int(sys.argv[2]))
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", b"tun0", IFF_TUN | IFF_NO_PI))
subprocess.check_call(["ip", "link", "set", "lo", "up"])
subprocess.check_call(["ip", "addr", "add", "10.99.0.1/24", "dev", "tun0"])
subprocess.check_call(["ip", "link", "set", "tun0", "mtu", "1500", "up"])
os.write(1, b"R")
pending = b""
while True:
    readable, _, _ = select.select([tun, 0], [], [])
    if tun in readable:
        packet = os.read(tun, 65535)
        if rnd.random() >= loss:
            os.write(1, struct.pack(">H", len(packet)) + packet)
    if 0 in readable:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        pending += chunk
        while len(pending) >= 2:
            (length,) = struct.unpack(">H", pending[:2])
            if len(pending) < 2 + length:
                break
            packet, pending = pending[2:2 + length], pending[2 + length:]
            if rnd.random() >= loss:
                os.write(tun, packet)
