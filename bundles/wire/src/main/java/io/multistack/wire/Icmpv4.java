package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * ICMP for IPv4 (RFC 792): the fixed 8-byte header; the rest is payload. Bytes 4-7 are the
 * "rest of header": identifier and sequence of an echo, the next-hop MTU of "fragmentation
 * needed". As for {@link Ipv4}, the record is the value; {@link #check} with the static
 * accessors and {@link #emit(ByteBuf, int, int, int, ByteBuf, int, int)} serve the per-frame
 * path without one.
 */
public record Icmpv4(int type, int code, int identifier, int sequence) {
    public static final int HEADER_LENGTH = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;

    /** Parses the message occupying all readable bytes, verifying its checksum. */
    public static Icmpv4 parse(ByteBuf message) throws MalformedPacketException {
        check(message);
        int at = message.readerIndex();
        return new Icmpv4(type(message, at), code(message, at), identifier(message, at), sequence(message, at));
    }

    /** Validates the message occupying all readable bytes as {@link #parse} does, without a record. */
    public static void check(ByteBuf message) throws MalformedPacketException {
        int length = message.readableBytes();
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException("icmp.truncated");
        }
        if (Checksum.of(message, message.readerIndex(), length) != 0) {
            throw new MalformedPacketException("icmp.bad-checksum");
        }
    }

    // ---- accessors of a checked message starting at index {@code at}

    public static int type(ByteBuf message, int at) {
        return message.getUnsignedByte(at);
    }

    public static int code(ByteBuf message, int at) {
        return message.getUnsignedByte(at + 1);
    }

    public static int identifier(ByteBuf message, int at) {
        return message.getUnsignedShort(at + 4);
    }

    public static int sequence(ByteBuf message, int at) {
        return message.getUnsignedShort(at + 6);
    }

    /** Bytes 4-7 as one value: identifier and sequence of an echo, unused and MTU of "fragmentation needed". */
    public static int restOfHeader(ByteBuf message, int at) {
        return message.getInt(at + 4);
    }

    public boolean isEcho() {
        return type == ECHO_REQUEST || type == ECHO_REPLY;
    }

    /**
     * Writes the header followed by the payload and fills in the checksum over both.
     * The payload's reader index is left unchanged.
     */
    public void emit(ByteBuf out, ByteBuf payload) {
        emit(out, payload, payload.readerIndex(), payload.readableBytes());
    }

    /** Same, with the payload {@code [index, index+length)} of {@code source}: no slice needed. */
    public void emit(ByteBuf out, ByteBuf source, int index, int length) {
        emit(out, type, code, identifier << 16 | sequence, source, index, length);
    }

    /**
     * Turns a checked echo request, from {@code at} to the writer index of {@code message},
     * into its reply where it lies: type 0, code 0, identifier, sequence and data kept, the
     * checksum filled in again. As BSD's {@code icmp_reflect} answers in the request's mbuf.
     */
    public static void answerEchoInPlace(ByteBuf message, int at) {
        message.setByte(at, ECHO_REPLY).setByte(at + 1, 0).setShort(at + 2, 0);
        message.setShort(at + 2, Checksum.of(message, at, message.writerIndex() - at));
    }

    /** Writes a message without a record: header fields, then the payload region, checksum filled in. */
    public static void emit(ByteBuf out, int type, int code, int restOfHeader, ByteBuf source, int index, int length) {
        int at = out.writerIndex();
        out.writeByte(type).writeByte(code).writeShort(0).writeInt(restOfHeader);
        out.writeBytes(source, index, length);
        out.setShort(at + 2, Checksum.of(out, at, out.writerIndex() - at));
    }
}
