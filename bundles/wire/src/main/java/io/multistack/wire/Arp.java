package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/** ARP for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair the stack speaks. */
public record Arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
    public static final int LENGTH = 28;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    /** Parses the ARP packet at the reader index (after the Ethernet header). */
    public static Arp parse(ByteBuf packet) throws MalformedPacketException {
        if (packet.readableBytes() < LENGTH) {
            throw new MalformedPacketException("arp.truncated");
        }
        int at = packet.readerIndex();
        if (packet.getUnsignedShort(at) != 1 || packet.getUnsignedShort(at + 2) != Ethernet.TYPE_IPV4
                || packet.getUnsignedByte(at + 4) != 6 || packet.getUnsignedByte(at + 5) != 4) {
            throw new MalformedPacketException("arp.unsupported");
        }
        int op = packet.getUnsignedShort(at + 6);
        if (op != REQUEST && op != REPLY) {
            throw new MalformedPacketException("arp.bad-operation");
        }
        return new Arp(op, Ethernet.getMac(packet, at + 8), packet.getInt(at + 14),
                Ethernet.getMac(packet, at + 18), packet.getInt(at + 24));
    }

    public static Arp request(long senderMac, int senderIp, int targetIp) {
        return new Arp(REQUEST, senderMac, senderIp, 0, targetIp);
    }

    /** Gratuitous ARP (RFC 5227 announcement): a request for one's own address. */
    public static Arp announcement(long mac, int ip) {
        return new Arp(REQUEST, mac, ip, 0, ip);
    }

    public void emit(ByteBuf out) {
        out.writeShort(1).writeShort(Ethernet.TYPE_IPV4).writeByte(6).writeByte(4).writeShort(operation);
        Ethernet.writeMac(out, senderMac);
        out.writeInt(senderIp);
        Ethernet.writeMac(out, targetMac);
        out.writeInt(targetIp);
    }
}
