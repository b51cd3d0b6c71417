package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * IPv4 header (RFC 791). Options are carried in the header length and skipped.
 *
 * <p>Two ways in: the record ({@link #parse}, {@link #emit}) for code that keeps or passes a
 * header around, and static accessors over the bytes ({@link #check} once, then
 * {@link #source(ByteBuf, int)} etc. at the header's index; {@link #emit(ByteBuf, int, int,
 * int, int, int, int)}) for the per-frame path, which then allocates nothing.
 */
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
        check(packet);
        int at = packet.readerIndex();
        return new Ipv4(headerLength(packet, at), packet.getUnsignedByte(at + 1), totalLength(packet, at),
                packet.getUnsignedShort(at + 4), flagsFragment(packet, at), packet.getUnsignedByte(at + 8),
                protocol(packet, at), source(packet, at), destination(packet, at));
    }

    /**
     * Validates the header at the reader index as {@link #parse} does, without making a
     * record; afterwards the static accessors may read it at that index.
     */
    public static void check(ByteBuf packet) throws MalformedPacketException {
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
    }

    /** A header without options for a payload of the given length, DF set (we do PMTU, not fragments). */
    public static Ipv4 of(int protocol, int source, int destination, int payloadLength, int identification, int ttl) {
        return new Ipv4(MIN_HEADER_LENGTH, 0, MIN_HEADER_LENGTH + payloadLength, identification,
                FLAG_DONT_FRAGMENT, ttl, protocol, source, destination);
    }

    // ---- accessors of a checked header starting at index {@code at}

    public static int headerLength(ByteBuf packet, int at) {
        return (packet.getUnsignedByte(at) & 0x0F) * 4;
    }

    public static int totalLength(ByteBuf packet, int at) {
        return packet.getUnsignedShort(at + 2);
    }

    public static int flagsFragment(ByteBuf packet, int at) {
        return packet.getUnsignedShort(at + 6);
    }

    public static int protocol(ByteBuf packet, int at) {
        return packet.getUnsignedByte(at + 9);
    }

    public static int source(ByteBuf packet, int at) {
        return packet.getInt(at + 12);
    }

    public static int destination(ByteBuf packet, int at) {
        return packet.getInt(at + 16);
    }

    public static boolean isFragment(ByteBuf packet, int at) {
        return isFragment(flagsFragment(packet, at));
    }

    private static boolean isFragment(int flagsFragment) {
        return (flagsFragment & FLAG_MORE_FRAGMENTS) != 0 || (flagsFragment & OFFSET_MASK) != 0;
    }

    public boolean isFragment() {
        return isFragment(flagsFragment);
    }

    public int payloadLength() {
        return totalLength - headerLength;
    }

    /** Writes a 20-byte header (options are never emitted) with its checksum filled in. */
    public void emit(ByteBuf out) {
        if (headerLength != MIN_HEADER_LENGTH) {
            throw new IllegalStateException("cannot emit IPv4 options (header length " + headerLength + ")");
        }
        write(out, dscpEcn, totalLength, identification, flagsFragment, ttl, protocol, source, destination);
    }

    /**
     * Writes the header {@link #of} describes, as {@link #emit(ByteBuf)} would, without
     * making the record: 20 bytes, DF set, checksum filled in.
     */
    public static void emit(ByteBuf out, int protocol, int source, int destination, int payloadLength,
            int identification, int ttl) {
        write(out, 0, MIN_HEADER_LENGTH + payloadLength, identification, FLAG_DONT_FRAGMENT, ttl, protocol, source,
                destination);
    }

    private static void write(ByteBuf out, int dscpEcn, int totalLength, int identification, int flagsFragment,
            int ttl, int protocol, int source, int destination) {
        int at = out.writerIndex();
        out.writeByte(0x45).writeByte(dscpEcn).writeShort(totalLength).writeShort(identification)
                .writeShort(flagsFragment).writeByte(ttl).writeByte(protocol).writeShort(0)
                .writeInt(source).writeInt(destination);
        out.setShort(at + 10, Checksum.of(out, at, MIN_HEADER_LENGTH));
    }
}
