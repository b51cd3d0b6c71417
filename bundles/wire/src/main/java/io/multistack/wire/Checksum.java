package io.multistack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): one's complement sum of 16-bit words. */
public final class Checksum {
    private static final VarHandle ARRAY_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong MEMORY_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * The whole address space as one segment, so that a direct buffer's memory is read by
     * address with no view object per call (Netty's {@code internalNioBuffer} makes a new
     * {@code ByteBuffer} for every recycled pooled buffer: 64 bytes a frame). Null when native
     * access is denied ({@code --enable-native-access} missing under a deny policy): the
     * buffer's own accessors are used then.
     */
    private static final MemorySegment MEMORY = wholeMemory();

    private Checksum() {}

    /** Adds the bytes {@code [index, index+length)} to a running 32-bit sum. */
    public static int add(int sum, ByteBuf buf, int index, int length) {
        long wide = sum & 0xFFFF_FFFFL;
        int i = index;
        int end = index + length;
        int words = length & ~7;
        // the checksum is the stack's hottest loop: 8 bytes per read, without ByteBuf's
        // per-access checks (the region is checked once, here), and without allocating
        if (words > 0 && buf.hasArray()) {
            checkRegion(buf, index, length);
            byte[] array = buf.array();
            int at = buf.arrayOffset() + index;
            for (int k = 0; k < words; k += 8) {
                long v = (long) ARRAY_LONGS.get(array, at + k);
                wide += (v >>> 32) + (v & 0xFFFF_FFFFL);
            }
            i += words;
        } else if (words > 0 && MEMORY != null && buf.hasMemoryAddress()) {
            checkRegion(buf, index, length);
            long at = buf.memoryAddress() + index;
            for (int k = 0; k < words; k += 8) {
                long v = MEMORY.get(MEMORY_LONG, at + k);
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

    /** What the buffer's accessors would check on every read, checked once for the region. */
    private static void checkRegion(ByteBuf buf, int index, int length) {
        if (buf.refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        if (index < 0 || length < 0 || index > buf.capacity() - length) {
            throw new IndexOutOfBoundsException(
                    "region " + index + "+" + length + " outside a buffer of capacity " + buf.capacity());
        }
    }

    private static MemorySegment wholeMemory() {
        try {
            return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        } catch (IllegalCallerException | UnsupportedOperationException denied) {
            return null;
        }
    }
}
