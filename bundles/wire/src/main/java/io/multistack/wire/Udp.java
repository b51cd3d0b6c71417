package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/** UDP header (RFC 768). */
public record Udp(int sourcePort, int destinationPort, int length) {
    public static final int HEADER_LENGTH = 8;

    /**
     * Parses the datagram occupying all readable bytes; verifies the checksum against the
     * pseudo header unless it is zero (no checksum).
     */
    public static Udp parse(ByteBuf datagram, int sourceIp, int destinationIp) throws MalformedPacketException {
        int available = datagram.readableBytes();
        if (available < HEADER_LENGTH) {
            throw new MalformedPacketException("udp.truncated");
        }
        int at = datagram.readerIndex();
        int length = datagram.getUnsignedShort(at + 4);
        if (length < HEADER_LENGTH || length > available) {
            throw new MalformedPacketException("udp.bad-length");
        }
        if (datagram.getUnsignedShort(at + 6) != 0) {
            int sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4.PROTOCOL_UDP, length);
            if (Checksum.finish(Checksum.add(sum, datagram, at, length)) != 0) {
                throw new MalformedPacketException("udp.bad-checksum");
            }
        }
        return new Udp(datagram.getUnsignedShort(at), datagram.getUnsignedShort(at + 2), length);
    }

    /** Writes header and payload with the checksum filled in (zero is sent as 0xFFFF). */
    public void emit(ByteBuf out, ByteBuf payload, int sourceIp, int destinationIp) {
        int at = out.writerIndex();
        out.writeShort(sourcePort).writeShort(destinationPort).writeShort(length).writeShort(0);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        int sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4.PROTOCOL_UDP, length);
        int checksum = Checksum.finish(Checksum.add(sum, out, at, length));
        out.setShort(at + 6, checksum == 0 ? 0xFFFF : checksum);
    }
}
