package io.multistack.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071): one's complement sum of 16-bit words. */
public final class Checksum {
    private Checksum() {}

    /** Adds the bytes {@code [index, index+length)} to a running 32-bit sum. */
    public static int add(int sum, ByteBuf buf, int index, int length) {
        long wide = sum & 0xFFFF_FFFFL;
        int i = index;
        int end = index + length;
        if (buf.nioBufferCount() == 1 && length >= 16) {
            // the checksum is the stack's hottest loop: 8 bytes per read, without ByteBuf's
            // per-access bounds checks (the region was checked once, here)
            ByteBuffer region = buf.internalNioBuffer(index, length);
            int at = region.position();
            int words = length & ~7;
            for (int k = 0; k < words; k += 8) {
                long v = region.getLong(at + k);
                wide += (v >>> 32) + (v & 0xFFFF_FFFFL);
            }
            i += words;
        }
        for (; i + 4 <= end; i += 4) {
            wide += buf.getUnsignedInt(i);
        }
        for (; i + 2 <= end; i += 2) {
            wide += buf.getUnsignedShort(i);
        }
        if (i < end) {
            wide += (buf.getUnsignedByte(i) << 8);
        }
        return fold32(wide);
    }

    /** Sum of the IPv4 pseudo header used by UDP and TCP. */
    public static int pseudoHeader(int source, int destination, int protocol, int length) {
        long wide = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + protocol + length;
        return fold32(wide);
    }

    /** Folds a running sum to 16 bits and complements it: the value to put in the header. */
    public static int finish(int sum) {
        int folded = (sum & 0xFFFF) + (sum >>> 16);
        folded = (folded & 0xFFFF) + (folded >>> 16);
        return ~folded & 0xFFFF;
    }

    /** Checksum of a region on its own. */
    public static int of(ByteBuf buf, int index, int length) {
        return finish(add(0, buf, index, length));
    }

    private static int fold32(long wide) {
        while ((wide >>> 32) != 0) {
            wide = (wide & 0xFFFF_FFFFL) + (wide >>> 32);
        }
        // keep it below 2^31 so int arithmetic in callers cannot overflow sign
        long folded = (wide & 0xFFFF) + (wide >>> 16);
        return (int) folded;
    }
}
