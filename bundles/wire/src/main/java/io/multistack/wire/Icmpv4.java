package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/** ICMP for IPv4 (RFC 792): the fixed 8-byte header; the rest is payload. */
public record Icmpv4(int type, int code, int identifier, int sequence) {
    public static final int HEADER_LENGTH = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;

    /** Parses the message occupying all readable bytes, verifying its checksum. */
    public static Icmpv4 parse(ByteBuf message) throws MalformedPacketException {
        int length = message.readableBytes();
        if (length < HEADER_LENGTH) {
            throw new MalformedPacketException("icmp.truncated");
        }
        int at = message.readerIndex();
        if (Checksum.of(message, at, length) != 0) {
            throw new MalformedPacketException("icmp.bad-checksum");
        }
        return new Icmpv4(message.getUnsignedByte(at), message.getUnsignedByte(at + 1),
                message.getUnsignedShort(at + 4), message.getUnsignedShort(at + 6));
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
        int at = out.writerIndex();
        out.writeByte(type).writeByte(code).writeShort(0).writeShort(identifier).writeShort(sequence);
        out.writeBytes(source, index, length);
        out.setShort(at + 2, Checksum.of(out, at, out.writerIndex() - at));
    }
}
