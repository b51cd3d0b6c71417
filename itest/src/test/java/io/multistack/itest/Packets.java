package io.multistack.itest;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Just enough VXLAN, Ethernet, ARP, IPv4 and ICMP for a test to act as a customer's host,
 * written over plain byte arrays so that the tests share no code with the appliance's own
 * wire library. Each record parses what it reads and emits what it sends.
 */
public final class Packets {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int PROTOCOL_ICMP = 1;

    private Packets() {}

    /** RFC 7348: flags (0x08 = VNI valid), 3 reserved bytes, 24-bit VNI, 1 reserved byte. */
    public record Vxlan(int flags, int vni, byte[] frame) {
        public static final int VNI_VALID = 0x08;

        public static Vxlan of(int vni, byte[] frame) {
            return new Vxlan(VNI_VALID, vni, frame);
        }

        public static Vxlan parse(byte[] packet, int length) {
            require(length >= 8, "VXLAN packet of " + length + " bytes");
            ByteBuffer in = ByteBuffer.wrap(packet, 0, length);
            int flags = in.get() & 0xFF;
            int vni = in.getInt(4) >>> 8;
            return new Vxlan(flags, vni, Arrays.copyOfRange(packet, 8, length));
        }

        public byte[] bytes() {
            return ByteBuffer.allocate(8 + frame.length)
                    .put((byte) flags).put(new byte[3]).putInt(vni << 8).put(frame)
                    .array();
        }
    }

    /** An untagged Ethernet II frame without FCS. */
    public record Ethernet(byte[] destination, byte[] source, int etherType, byte[] payload) {
        public static Ethernet parse(byte[] frame) {
            require(frame.length >= 14, "Ethernet frame of " + frame.length + " bytes");
            ByteBuffer in = ByteBuffer.wrap(frame);
            return new Ethernet(take(in, 6), take(in, 6), in.getShort() & 0xFFFF,
                    Arrays.copyOfRange(frame, 14, frame.length));
        }

        public byte[] bytes() {
            return ByteBuffer.allocate(14 + payload.length)
                    .put(destination).put(source).putShort((short) etherType).put(payload)
                    .array();
        }

        @Override
        public String toString() {
            return "Ethernet " + mac(source) + " > " + mac(destination) + " type 0x"
                    + HexFormat.of().toHexDigits((short) etherType) + ": " + HexFormat.of().formatHex(payload);
        }
    }

    /** ARP for IPv4 over Ethernet (RFC 826). */
    public record Arp(int operation, byte[] senderMac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
        public static final int REQUEST = 1;
        public static final int REPLY = 2;

        public static Arp request(byte[] senderMac, byte[] senderIp, byte[] targetIp) {
            return new Arp(REQUEST, senderMac, senderIp, new byte[6], targetIp);
        }

        public static Arp parse(byte[] payload) {
            require(payload.length >= 28, "ARP packet of " + payload.length + " bytes");
            ByteBuffer in = ByteBuffer.wrap(payload);
            int hardware = in.getShort() & 0xFFFF;
            int protocol = in.getShort() & 0xFFFF;
            int hardwareLength = in.get();
            int protocolLength = in.get();
            require(hardware == 1 && protocol == ETHERTYPE_IPV4 && hardwareLength == 6 && protocolLength == 4,
                    "ARP for something other than IPv4 over Ethernet");
            return new Arp(in.getShort() & 0xFFFF, take(in, 6), take(in, 4), take(in, 6), take(in, 4));
        }

        public Arp replyFrom(byte[] mac) {
            return new Arp(REPLY, mac, targetIp, senderMac, senderIp);
        }

        public byte[] bytes() {
            return ByteBuffer.allocate(28)
                    .putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                    .putShort((short) operation).put(senderMac).put(senderIp).put(targetMac).put(targetIp)
                    .array();
        }
    }

    /** An IPv4 packet; {@code headerChecksumValid} tells whether the received header sums to zero. */
    public record Ipv4(int identification, int ttl, int protocol, byte[] source, byte[] destination,
            byte[] payload, boolean headerChecksumValid) {
        public static Ipv4 of(int identification, int protocol, byte[] source, byte[] destination, byte[] payload) {
            return new Ipv4(identification, 64, protocol, source, destination, payload, true);
        }

        public static Ipv4 parse(byte[] packet) {
            require(packet.length >= 20, "IPv4 packet of " + packet.length + " bytes");
            ByteBuffer in = ByteBuffer.wrap(packet);
            int versionAndLength = in.get() & 0xFF;
            require(versionAndLength >> 4 == 4, "IP version " + (versionAndLength >> 4));
            int headerLength = (versionAndLength & 0x0F) * 4;
            int totalLength = in.getShort(2) & 0xFFFF;
            require(headerLength >= 20 && totalLength >= headerLength && totalLength <= packet.length,
                    "IPv4 header length " + headerLength + ", total length " + totalLength);
            return new Ipv4(in.getShort(4) & 0xFFFF, packet[8] & 0xFF, packet[9] & 0xFF,
                    Arrays.copyOfRange(packet, 12, 16), Arrays.copyOfRange(packet, 16, 20),
                    Arrays.copyOfRange(packet, headerLength, totalLength),
                    checksum(packet, 0, headerLength) == 0);
        }

        public byte[] bytes() {
            byte[] packet = ByteBuffer.allocate(20 + payload.length)
                    .put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length))
                    .putShort((short) identification).putShort((short) 0x4000) // don't fragment
                    .put((byte) ttl).put((byte) protocol).putShort((short) 0)
                    .put(source).put(destination).put(payload)
                    .array();
            ByteBuffer.wrap(packet).putShort(10, (short) checksum(packet, 0, 20));
            return packet;
        }
    }

    /** An ICMP echo request (type 8) or reply (type 0). */
    public record IcmpEcho(int type, int code, int identifier, int sequence, byte[] data, boolean checksumValid) {
        public static final int REPLY = 0;
        public static final int REQUEST = 8;

        public static IcmpEcho request(int identifier, int sequence, byte[] data) {
            return new IcmpEcho(REQUEST, 0, identifier, sequence, data, true);
        }

        public static IcmpEcho parse(byte[] message) {
            require(message.length >= 8, "ICMP message of " + message.length + " bytes");
            ByteBuffer in = ByteBuffer.wrap(message);
            return new IcmpEcho(message[0] & 0xFF, message[1] & 0xFF, in.getShort(4) & 0xFFFF,
                    in.getShort(6) & 0xFFFF, Arrays.copyOfRange(message, 8, message.length),
                    checksum(message, 0, message.length) == 0);
        }

        public byte[] bytes() {
            byte[] message = ByteBuffer.allocate(8 + data.length)
                    .put((byte) type).put((byte) code).putShort((short) 0)
                    .putShort((short) identifier).putShort((short) sequence).put(data)
                    .array();
            ByteBuffer.wrap(message).putShort(2, (short) checksum(message, 0, message.length));
            return message;
        }
    }

    /** The Internet checksum (RFC 1071): 0 when computed over data that includes a valid checksum. */
    public static int checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = data[offset + i] & 0xFF;
            int low = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) ~sum & 0xFFFF;
    }

    public static byte[] mac(String text) {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    public static String mac(byte[] bytes) {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }

    public static byte[] ipv4(String dotted) {
        byte[] address = new byte[4];
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < 4; i++) {
            address[i] = (byte) Integer.parseInt(parts[i]);
        }
        return address;
    }

    /** Malformed input from the appliance: the test reports it instead of guessing. */
    public static final class MalformedPacket extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedPacket(String message) {
            super(message);
        }
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new MalformedPacket("malformed: " + what);
        }
    }

    private static byte[] take(ByteBuffer in, int count) {
        byte[] out = new byte[count];
        in.get(out);
        return out;
    }
}
