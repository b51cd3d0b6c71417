package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * TCP header (RFC 9293 3.1). {@link #parse} validates the data offset, the options and the
 * checksum over the pseudo header; the payload is what follows {@link #headerLength}.
 */
public record Tcp(int sourcePort, int destinationPort, int seq, int ack, int flags, int window, int urgent,
        TcpOptions options) {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public Tcp {
        options = options == null ? TcpOptions.NONE : options;
    }

    /** Parses the segment occupying all readable bytes (header + payload), checksum verified. */
    public static Tcp parse(ByteBuf segment, int sourceIp, int destinationIp) throws MalformedPacketException {
        int length = segment.readableBytes();
        if (length < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("tcp.truncated");
        }
        int at = segment.readerIndex();
        int headerLength = (segment.getUnsignedByte(at + 12) >>> 4) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            throw new MalformedPacketException("tcp.bad-offset");
        }
        checkSum(segment, sourceIp, destinationIp);
        TcpOptions options = headerLength == MIN_HEADER_LENGTH
                ? TcpOptions.NONE
                : TcpOptions.parse(segment, at + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
        return new Tcp(segment.getUnsignedShort(at), segment.getUnsignedShort(at + 2), segment.getInt(at + 4),
                segment.getInt(at + 8), segment.getUnsignedByte(at + 13), segment.getUnsignedShort(at + 14),
                segment.getUnsignedShort(at + 18), options);
    }

    /**
     * Parses the header at the reader index without the checksum (which needs the whole
     * segment and the addresses): for traces and captures that keep only headers.
     */
    public static Tcp parseHeader(ByteBuf header) throws MalformedPacketException {
        int length = header.readableBytes();
        if (length < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("tcp.truncated");
        }
        int at = header.readerIndex();
        int headerLength = (header.getUnsignedByte(at + 12) >>> 4) * 4;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            throw new MalformedPacketException("tcp.bad-offset");
        }
        TcpOptions options = headerLength == MIN_HEADER_LENGTH
                ? TcpOptions.NONE
                : TcpOptions.parse(header, at + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH);
        return new Tcp(header.getUnsignedShort(at), header.getUnsignedShort(at + 2), header.getInt(at + 4),
                header.getInt(at + 8), header.getUnsignedByte(at + 13), header.getUnsignedShort(at + 14),
                header.getUnsignedShort(at + 18), options);
    }

    /**
     * Validates the segment occupying all readable bytes as {@link #parse} does (data offset,
     * options, checksum) without making a record; afterwards the static accessors read its
     * header at the reader index, and {@link TcpOptions#find} its options.
     */
    public static void check(ByteBuf segment, int sourceIp, int destinationIp) throws MalformedPacketException {
        int length = segment.readableBytes();
        if (length < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException("tcp.truncated");
        }
        int at = segment.readerIndex();
        int headerLength = headerLength(segment, at);
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            throw new MalformedPacketException("tcp.bad-offset");
        }
        checkSum(segment, sourceIp, destinationIp);
        if (headerLength > MIN_HEADER_LENGTH) {
            TcpOptions.find(segment, at + MIN_HEADER_LENGTH, headerLength - MIN_HEADER_LENGTH, -1);
        }
    }

    private static void checkSum(ByteBuf segment, int sourceIp, int destinationIp) throws MalformedPacketException {
        int length = segment.readableBytes();
        int sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4.PROTOCOL_TCP, length);
        if (Checksum.finish(Checksum.add(sum, segment, segment.readerIndex(), length)) != 0) {
            throw new MalformedPacketException("tcp.bad-checksum");
        }
    }

    // ---- accessors of a checked header starting at index {@code at}

    public static int sourcePort(ByteBuf segment, int at) {
        return segment.getUnsignedShort(at);
    }

    public static int destinationPort(ByteBuf segment, int at) {
        return segment.getUnsignedShort(at + 2);
    }

    public static int seq(ByteBuf segment, int at) {
        return segment.getInt(at + 4);
    }

    public static int ack(ByteBuf segment, int at) {
        return segment.getInt(at + 8);
    }

    public static int headerLength(ByteBuf segment, int at) {
        return (segment.getUnsignedByte(at + 12) >>> 4) * 4;
    }

    public static int flags(ByteBuf segment, int at) {
        return segment.getUnsignedByte(at + 13);
    }

    public static int window(ByteBuf segment, int at) {
        return segment.getUnsignedShort(at + 14);
    }

    public static int urgent(ByteBuf segment, int at) {
        return segment.getUnsignedShort(at + 18);
    }

    /** Header length of a received segment at the reader index (valid after {@link #parse}). */
    public static int headerLength(ByteBuf segment) {
        return (segment.getUnsignedByte(segment.readerIndex() + 12) >>> 4) * 4;
    }

    public int headerLength() {
        return MIN_HEADER_LENGTH + options.length();
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Writes the header at the writer index; the payload (if any) must already follow it or be
     * appended before {@link #fillChecksum}.
     */
    public void emit(ByteBuf out) {
        int headerLength = headerLength();
        out.writeShort(sourcePort).writeShort(destinationPort).writeInt(seq).writeInt(ack)
                .writeByte((headerLength / 4) << 4).writeByte(flags).writeShort(window).writeShort(0)
                .writeShort(urgent);
        options.emit(out);
    }

    /**
     * Writes a header at the writer index without a record, as {@link #emit(ByteBuf)}
     * does for a record with urgent 0 and {@code optionsLength} bytes of options, which the
     * caller writes next (e.g. {@link TcpOptions#emitTimestamp}); for the per-segment path.
     */
    public static void emit(ByteBuf out, int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
            int optionsLength) {
        int headerLength = MIN_HEADER_LENGTH + optionsLength;
        out.writeShort(sourcePort).writeShort(destinationPort).writeInt(seq).writeInt(ack)
                .writeByte((headerLength / 4) << 4).writeByte(flags).writeShort(window).writeInt(0);
    }

    /** Computes the checksum of the segment {@code [at, writerIndex)} and stores it. */
    public static void fillChecksum(ByteBuf out, int at, int sourceIp, int destinationIp) {
        int length = out.writerIndex() - at;
        out.setShort(at + 16, 0);
        int sum = Checksum.pseudoHeader(sourceIp, destinationIp, Ipv4.PROTOCOL_TCP, length);
        out.setShort(at + 16, Checksum.finish(Checksum.add(sum, out, at, length)));
    }

    public static String flagString(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & SYN) != 0) {
            s.append('S');
        }
        if ((flags & FIN) != 0) {
            s.append('F');
        }
        if ((flags & RST) != 0) {
            s.append('R');
        }
        if ((flags & PSH) != 0) {
            s.append('P');
        }
        if ((flags & ACK) != 0) {
            s.append('.');
        }
        if ((flags & URG) != 0) {
            s.append('U');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return sourcePort + ">" + destinationPort + " [" + flagString(flags) + "] seq " + Integer.toUnsignedString(seq)
                + " ack " + Integer.toUnsignedString(ack) + " win " + window + " " + options;
    }
}
