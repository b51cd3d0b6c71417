package io.multistack.wire;

import io.netty.buffer.ByteBuf;

/**
 * IEEE 802.1Q tag (TPID 0x8100, then PCP/DEI/VID) between the source MAC and the EtherType.
 * Tagging and untagging move the 12 MAC bytes in place, so frames are never copied.
 */
public final class Dot1q {
    public static final int TAG_LENGTH = 4;
    public static final int MIN_VID = 1;
    public static final int MAX_VID = 4094;
    /** Every 12-bit value a tag can carry, including the reserved 0 and 4095. */
    public static final int VID_COUNT = 4096;

    private Dot1q() {}

    public static boolean isTagged(ByteBuf frame) {
        return frame.readableBytes() >= Ethernet.HEADER_LENGTH && Ethernet.etherType(frame) == Ethernet.TYPE_VLAN;
    }

    /**
     * The VLAN ID of a tagged frame.
     *
     * @throws MalformedPacketException if the frame is too short to hold a tag and an EtherType
     */
    public static int vid(ByteBuf frame) throws MalformedPacketException {
        if (frame.readableBytes() < Ethernet.HEADER_LENGTH + TAG_LENGTH) {
            throw new MalformedPacketException("dot1q.truncated");
        }
        return frame.getUnsignedShort(frame.readerIndex() + 14) & 0x0FFF;
    }

    /** Removes the tag of a tagged frame in place: the reader index moves forward 4 bytes. */
    public static void untag(ByteBuf frame) {
        int at = frame.readerIndex();
        // move destination+source (12 bytes) forward over the tag, back to front
        frame.setInt(at + 12, frame.getInt(at + 8));
        frame.setLong(at + 4, frame.getLong(at));
        frame.readerIndex(at + TAG_LENGTH);
    }

    /**
     * Inserts a tag into an untagged frame. In place when the buffer has 4 bytes of headroom
     * before the reader index (stacks allocate frames that way) and nobody else holds it;
     * otherwise a new frame is made and the old one released.
     */
    public static ByteBuf tag(ByteBuf frame, int vid) {
        int at = frame.readerIndex();
        if (at < TAG_LENGTH || frame.isReadOnly() || frame.refCnt() != 1) {
            ByteBuf copy = frame.alloc().buffer(frame.readableBytes() + TAG_LENGTH);
            copy.writeBytes(frame, at, 12).writeShort(Ethernet.TYPE_VLAN).writeShort(vid & 0x0FFF);
            copy.writeBytes(frame, at + 12, frame.readableBytes() - 12);
            frame.release();
            return copy;
        }
        int start = at - TAG_LENGTH;
        frame.setLong(start, frame.getLong(at));
        frame.setInt(start + 8, frame.getInt(at + 8));
        frame.setShort(start + 12, Ethernet.TYPE_VLAN);
        frame.setShort(start + 14, vid & 0x0FFF);
        frame.readerIndex(start);
        return frame;
    }
}
