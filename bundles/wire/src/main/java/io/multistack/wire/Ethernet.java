package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * Ethernet II header: destination, source, EtherType. Accessors read relative to the
 * buffer's reader index, which is where a frame starts: after {@link #check}, the static
 * accessors read a frame in place (the per-frame path); {@link Header} is the value.
 */
public final class Ethernet {
    public static final int HEADER_LENGTH = 14;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_IPV6 = 0x86DD;

    private Ethernet() {}

    /** A parsed header. MACs are 48-bit values in the low bits of a long. */
    public record Header(long destination, long source, int etherType) {
        public static Header parse(ByteBuf frame) throws MalformedPacketException {
            check(frame);
            int at = frame.readerIndex();
            return new Header(getMac(frame, at), getMac(frame, at + 6), frame.getUnsignedShort(at + 12));
        }

        /** Writes the 14 header bytes at the writer index. */
        public void emit(ByteBuf out) {
            writeMac(out, destination);
            writeMac(out, source);
            out.writeShort(etherType);
        }
    }

    /** Validates that a whole header is readable; afterwards the static accessors may read it. */
    public static void check(ByteBuf frame) throws MalformedPacketException {
        if (frame.readableBytes() < HEADER_LENGTH) {
            throw new MalformedPacketException("ethernet.truncated");
        }
    }

    public static long destination(ByteBuf frame) {
        return getMac(frame, frame.readerIndex());
    }

    public static long source(ByteBuf frame) {
        return getMac(frame, frame.readerIndex() + 6);
    }

    public static int etherType(ByteBuf frame) {
        return frame.getUnsignedShort(frame.readerIndex() + 12);
    }

    public static long getMac(ByteBuf buf, int index) {
        return (long) buf.getUnsignedShort(index) << 32 | buf.getUnsignedInt(index + 2);
    }

    public static void setMac(ByteBuf buf, int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }

    public static void writeMac(ByteBuf out, long mac) {
        out.writeShort((int) (mac >>> 32));
        out.writeInt((int) mac);
    }

    public static boolean isMulticast(long mac) {
        return (mac >>> 40 & 1) == 1;
    }
}
