package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/** VXLAN header (RFC 7348): flags with the I bit, 24-bit VNI, then an inner Ethernet frame. */
public final class Vxlan {
    public static final int HEADER_LENGTH = 8;
    public static final int PORT = 4789;
    public static final int MAX_VNI = 0xFF_FFFF;
    private static final int FLAG_VNI_VALID = 0x08;

    private Vxlan() {}

    /**
     * Reads and consumes the header at the reader index, leaving the inner frame readable.
     *
     * @return the VNI
     */
    public static int decode(ByteBuf packet) throws MalformedPacketException {
        if (packet.readableBytes() < HEADER_LENGTH + Ethernet.HEADER_LENGTH) {
            throw new MalformedPacketException("vxlan.truncated");
        }
        int at = packet.readerIndex();
        if ((packet.getUnsignedByte(at) & FLAG_VNI_VALID) == 0) {
            throw new MalformedPacketException("vxlan.no-vni");
        }
        int vni = packet.getInt(at + 4) >>> 8;
        packet.skipBytes(HEADER_LENGTH);
        return vni;
    }

    /** Writes a header for the VNI at the writer index. */
    public static void encode(ByteBuf out, int vni) {
        out.writeInt(FLAG_VNI_VALID << 24).writeInt(vni << 8);
    }

    /** Writes a header into the 8 bytes before the reader index and moves the reader index there. */
    public static void prepend(ByteBuf frame, int vni) {
        int at = frame.readerIndex() - HEADER_LENGTH;
        frame.setInt(at, FLAG_VNI_VALID << 24).setInt(at + 4, vni << 8);
        frame.readerIndex(at);
    }
}
