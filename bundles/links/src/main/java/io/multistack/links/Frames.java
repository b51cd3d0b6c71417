package io.multistack.links;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/** Netty buffers seen as native memory, so the kernel reads and writes them in place. */
final class Frames {
    /** Room kept in front of each received frame so a stripped 802.1Q tag fits back without a copy of the payload. */
    static final int HEADROOM = 4;
    static final int ETHERNET_HEADER = 14;
    static final int VLAN_TAG = 4;
    static final int MAC_ADDRESSES = 12;

    private Frames() {}

    /** The buffer's bytes {@code [index, index + length)} as a native segment (the buffer must be direct). */
    static MemorySegment segment(ByteBuf buffer, int index, int length) {
        if (buffer.hasMemoryAddress()) {
            return MemorySegment.ofAddress(buffer.memoryAddress() + index).reinterpret(length);
        }
        // Without sun.misc.Unsafe Netty hides the address; the NIO view of a direct buffer still has it.
        return MemorySegment.ofBuffer(buffer.nioBuffer(index, length));
    }

    /**
     * Puts a tag the kernel stripped back where it was: moves the two MAC addresses 4 bytes to
     * the front (into the headroom) and writes TPID and TCI after them. Only 12 bytes move.
     */
    static void reinsertTag(ByteBuf frame, int tpid, int tci) {
        int start = frame.readerIndex();
        if (start < VLAN_TAG || frame.readableBytes() < MAC_ADDRESSES) {
            throw new IllegalArgumentException("no headroom for a VLAN tag");
        }
        long destinationAndHalfSource = frame.getLong(start);
        int restOfSource = frame.getInt(start + 8);
        int tagged = start - VLAN_TAG;
        frame.setLong(tagged, destinationAndHalfSource);
        frame.setInt(tagged + 8, restOfSource);
        frame.setShort(tagged + MAC_ADDRESSES, tpid);
        frame.setShort(tagged + MAC_ADDRESSES + 2, tci);
        frame.readerIndex(tagged);
    }
}
