package io.multistack.stack.core;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The test's own wire codec, written apart from io.multistack.wire on purpose: frames sent to
 * the stack and checks of what it sends do not trust the code under test. Everything works on
 * byte arrays; builders fill in correct checksums, callers corrupt them when they need to.
 */
final class Frames {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int ARP_REQUEST = 1;
    static final int ARP_REPLY = 2;
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;
    static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

    private Frames() {}

    static int ip(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    static long mac(String text) {
        return Long.parseLong(text.replace(":", ""), 16);
    }

    static String formatMac(long mac) {
        return HexFormat.ofDelimiter(":").formatHex(ByteBuffer.allocate(8).putLong(mac).array(), 2, 8);
    }

    // ---- builders ----

    static byte[] ethernet(long destination, long source, int etherType, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(14 + payload.length);
        putMac(out, destination);
        putMac(out, source);
        out.putShort((short) etherType).put(payload);
        return out.array();
    }

    static byte[] arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        ByteBuffer out = ByteBuffer.allocate(28);
        out.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) operation);
        putMac(out, senderMac);
        out.putInt(senderIp);
        putMac(out, targetMac);
        out.putInt(targetIp);
        return out.array();
    }

    /** An IPv4 packet with a correct header checksum and the given options (multiple of 4 bytes). */
    static byte[] ipv4(int source, int destination, int protocol, int flagsFragment, byte[] options, byte[] payload) {
        int headerLength = 20 + options.length;
        ByteBuffer out = ByteBuffer.allocate(headerLength + payload.length);
        out.put((byte) (0x40 | headerLength / 4)).put((byte) 0).putShort((short) (headerLength + payload.length))
                .putShort((short) 0x1234).putShort((short) flagsFragment).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).putInt(source).putInt(destination).put(options).put(payload);
        byte[] packet = out.array();
        putShort(packet, 10, checksum(packet, 0, headerLength));
        return packet;
    }

    static byte[] ipv4(int source, int destination, int protocol, byte[] payload) {
        return ipv4(source, destination, protocol, 0, new byte[0], payload);
    }

    static byte[] icmpEcho(int type, int identifier, int sequence, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(8 + data.length);
        out.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) identifier)
                .putShort((short) sequence).put(data);
        byte[] message = out.array();
        putShort(message, 2, checksum(message, 0, message.length));
        return message;
    }

    /** A UDP datagram with its checksum over the pseudo header filled in. */
    static byte[] udp(int sourceIp, int destinationIp, int sourcePort, int destinationPort, byte[] data) {
        int length = 8 + data.length;
        ByteBuffer pseudo = ByteBuffer.allocate(12 + length);
        pseudo.putInt(sourceIp).putInt(destinationIp).put((byte) 0).put((byte) 17).putShort((short) length)
                .putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) length)
                .putShort((short) 0).put(data);
        int sum = checksum(pseudo.array(), 0, pseudo.capacity());
        byte[] datagram = Arrays.copyOfRange(pseudo.array(), 12, 12 + length);
        putShort(datagram, 6, sum == 0 ? 0xFFFF : sum);
        return datagram;
    }

    /** The Internet checksum (RFC 1071) of a region; zero when verifying a region that holds one. */
    static int checksum(byte[] bytes, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = bytes[offset + i] & 0xFF;
            int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    static void putShort(byte[] bytes, int offset, int value) {
        bytes[offset] = (byte) (value >>> 8);
        bytes[offset + 1] = (byte) value;
    }

    static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        return data;
    }

    private static void putMac(ByteBuffer out, long mac) {
        out.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    private static long getMac(ByteBuffer in, int at) {
        return (in.getShort(at) & 0xFFFFL) << 32 | (in.getInt(at + 2) & 0xFFFF_FFFFL);
    }

    // ---- decoders of what the stack sent ----

    record EthernetFrame(long destination, long source, int etherType, byte[] payload) {
        static EthernetFrame decode(byte[] frame) {
            ByteBuffer in = ByteBuffer.wrap(frame);
            return new EthernetFrame(getMac(in, 0), getMac(in, 6), in.getShort(12) & 0xFFFF,
                    Arrays.copyOfRange(frame, 14, frame.length));
        }
    }

    record ArpPacket(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        static ArpPacket decode(byte[] packet) {
            ByteBuffer in = ByteBuffer.wrap(packet);
            if (packet.length < 28 || in.getShort(0) != 1 || in.getShort(2) != ETHERTYPE_IPV4 || in.get(4) != 6
                    || in.get(5) != 4) {
                throw new AssertionError("not an Ethernet/IPv4 ARP packet: " + HexFormat.of().formatHex(packet));
            }
            return new ArpPacket(in.getShort(6), getMac(in, 8), in.getInt(14), getMac(in, 18), in.getInt(24));
        }

        @Override
        public String toString() {
            return (operation == ARP_REQUEST ? "ARP request" : "ARP reply " + operation) + " sender "
                    + formatMac(senderMac) + "/" + formatIp(senderIp) + " target " + formatMac(targetMac) + "/"
                    + formatIp(targetIp);
        }
    }

    record Ipv4Packet(int headerLength, int totalLength, int flagsFragment, int ttl, int protocol,
            boolean headerChecksumValid, int source, int destination, byte[] payload) {
        static Ipv4Packet decode(byte[] packet) {
            ByteBuffer in = ByteBuffer.wrap(packet);
            int versionIhl = in.get(0) & 0xFF;
            if (versionIhl >>> 4 != 4) {
                throw new AssertionError("not IPv4: " + HexFormat.of().formatHex(packet));
            }
            int headerLength = (versionIhl & 0xF) * 4;
            int totalLength = in.getShort(2) & 0xFFFF;
            return new Ipv4Packet(headerLength, totalLength, in.getShort(6) & 0xFFFF, in.get(8) & 0xFF,
                    in.get(9) & 0xFF, checksum(packet, 0, headerLength) == 0, in.getInt(12), in.getInt(16),
                    Arrays.copyOfRange(packet, headerLength, totalLength));
        }
    }

    record IcmpMessage(int type, int code, int identifier, int sequence, boolean checksumValid, byte[] data) {
        static IcmpMessage decode(byte[] message) {
            ByteBuffer in = ByteBuffer.wrap(message);
            return new IcmpMessage(in.get(0) & 0xFF, in.get(1) & 0xFF, in.getShort(4) & 0xFFFF,
                    in.getShort(6) & 0xFFFF, checksum(message, 0, message.length) == 0,
                    Arrays.copyOfRange(message, 8, message.length));
        }
    }

    static String formatIp(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xFF) + "." + (ip >>> 8 & 0xFF) + "." + (ip & 0xFF);
    }
}
