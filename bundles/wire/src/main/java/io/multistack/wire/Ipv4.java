package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/** IPv4 header (RFC 791). Options are carried in the header length and skipped. */
public record Ipv4(
        int headerLength,
        int dscpEcn,
        int totalLength,
        int identification,
        int flagsFragment,
        int ttl,
        int protocol,
        int source,
        int destination) {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int OFFSET_MASK = 0x1FFF;

    /**
     * Parses and validates the header at the reader index: version, header length, total
     * length against the bytes present, header checksum.
     */
    public static Ipv4 parse(ByteBuf packet) throws MalformedPacketException {
        int available = packet.readableBytes();
        if (available < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("ipv4.truncated");
        }
        int at = packet.readerIndex();
        int versionIhl = packet.getUnsignedByte(at);
        if (versionIhl >>> 4 != 4) {
            throw new MalformedPacketException("ipv4.bad-version");
        }
        int headerLength = (versionIhl & 0x0F) * 4;
        int totalLength = packet.getUnsignedShort(at + 2);
        if (headerLength < MIN_HEADER_LENGTH || headerLength > totalLength) {
            throw new MalformedPacketException("ipv4.bad-header-length");
        }
        if (totalLength > available) {
            throw new MalformedPacketException("ipv4.truncated");
        }
        if (Checksum.of(packet, at, headerLength) != 0) {
            throw new MalformedPacketException("ipv4.bad-checksum");
        }
        return new Ipv4(headerLength, packet.getUnsignedByte(at + 1), totalLength,
                packet.getUnsignedShort(at + 4), packet.getUnsignedShort(at + 6), packet.getUnsignedByte(at + 8),
                packet.getUnsignedByte(at + 9), packet.getInt(at + 12), packet.getInt(at + 16));
    }

    /** A header without options for a payload of the given length, DF set (we do PMTU, not fragments). */
    public static Ipv4 of(int protocol, int source, int destination, int payloadLength, int identification, int ttl) {
        return new Ipv4(MIN_HEADER_LENGTH, 0, MIN_HEADER_LENGTH + payloadLength, identification,
                FLAG_DONT_FRAGMENT, ttl, protocol, source, destination);
    }

    public boolean isFragment() {
        return (flagsFragment & FLAG_MORE_FRAGMENTS) != 0 || (flagsFragment & OFFSET_MASK) != 0;
    }

    public int payloadLength() {
        return totalLength - headerLength;
    }

    /** Writes a 20-byte header (options are never emitted) with its checksum filled in. */
    public void emit(ByteBuf out) {
        if (headerLength != MIN_HEADER_LENGTH) {
            throw new IllegalStateException("cannot emit IPv4 options (header length " + headerLength + ")");
        }
        int at = out.writerIndex();
        out.writeByte(0x45).writeByte(dscpEcn).writeShort(totalLength).writeShort(identification)
                .writeShort(flagsFragment).writeByte(ttl).writeByte(protocol).writeShort(0)
                .writeInt(source).writeInt(destination);
        out.setShort(at + 10, Checksum.of(out, at, MIN_HEADER_LENGTH));
    }
}
