package io.multistack.access;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The native argument of one {@code recvmmsg} over a fixed number of slots, allocated once:
 * {@code struct mmsghdr[n]}, each with one {@code struct iovec} (filled per read with the
 * slot's place in that read's buffer) and room for the sender's address; with an overflow,
 * a second {@code iovec} per slot takes what does not fit the first (a run UDP GRO merged),
 * so that a datagram of ordinary size still lands in the shared buffer. Linux LP64 layouts,
 * the same on x86_64 and aarch64:
 * <pre>
 * struct iovec        { void *iov_base; size_t iov_len; }                              16 bytes
 * struct msghdr       { void *msg_name; socklen_t msg_namelen; (4 padding)
 *                       struct iovec *msg_iov; size_t msg_iovlen;
 *                       void *msg_control; size_t msg_controllen;
 *                       int msg_flags; (4 padding) }                                   56 bytes
 * struct mmsghdr      { struct msghdr msg_hdr; unsigned int msg_len; (4 padding) }     64 bytes
 * struct sockaddr_in  { sa_family_t sin_family; in_port_t sin_port;
 *                       struct in_addr sin_addr; unsigned char sin_zero[8]; }          16 bytes
 * struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port; uint32_t sin6_flowinfo;
 *                       struct in6_addr sin6_addr; uint32_t sin6_scope_id; }           28 bytes
 * struct cmsghdr      { size_t cmsg_len; int cmsg_level; int cmsg_type; }             16 bytes
 *                       + data, aligned to 8: CMSG_SPACE(2) = 24, CMSG_LEN(2) = 18
 * </pre>
 * The layouts and offsets are shared with {@link SendSlots}, the argument of {@code sendmmsg}.
 * The name room is a {@code sockaddr_in6}: Netty opens its datagram sockets as IPv6 when the
 * machine has IPv6, and such a socket names an IPv4 sender as {@code ::ffff:a.b.c.d}.
 */
final class MessageSlots {
    static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));
    static final StructLayout MSGHDR = MemoryLayout.structLayout(ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4), ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"), ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(MSGHDR.withName("msg_hdr"),
            JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));
    static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withName("sin_port"), JAVA_INT.withName("sin_addr"), MemoryLayout.sequenceLayout(8, JAVA_BYTE));
    static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(JAVA_SHORT.withName("sin6_family"),
            JAVA_SHORT.withName("sin6_port"), JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"), JAVA_INT.withName("sin6_scope_id"));
    static final StructLayout CMSGHDR = MemoryLayout.structLayout(JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));

    static final short AF_INET = 2;
    static final short AF_INET6 = 10;
    /** What {@link #senderIpv4} answers for a sender that is not IPv4. */
    static final long NOT_IPV4 = -1;

    static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    static final long MSG_NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    private static final long MSG_FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
    static final long SIN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));
    static final long SIN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
    /** An address is in network byte order; the int form has the first octet in the high byte. */
    static final ValueLayout.OfInt NETWORK_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    /** The third 32-bit word of an IPv4-mapped IPv6 address, ::ffff:0:0/96. */
    static final int V4_MAPPED_WORD = 0x0000_FFFF;

    /** The layouts above are LP64's; iov_base is written as a long. */
    static void checkPlatform() {
        if (ADDRESS.byteSize() != Long.BYTES || MMSGHDR.byteSize() != 64) {
            throw new UnsupportedOperationException("not an LP64 platform");
        }
    }

    /** Room for the ancillary data of one message: one {@code cmsghdr} with an int, CMSG_SPACE(4). */
    static final int CONTROL_BYTES = 24;
    static final long CMSG_LEN = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    static final long CMSG_DATA = CMSGHDR.byteSize();

    private final int count;
    private final int slotBytes;
    /** iovecs per message: 1, or 2 with an overflow. */
    private final int iovecsPerSlot;
    private final MemorySegment messages;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    /** Each message's ancillary data, or {@code null} when none is asked for. */
    private final MemorySegment controls;

    /** {@code count} slots of {@code slotBytes} each, in native memory of {@code arena}; no ancillary data. */
    MessageSlots(Arena arena, int count, int slotBytes) {
        this(arena, count, slotBytes, false, 0);
    }

    /**
     * As above; with {@code withControl}, each message also gets room for one control message
     * (the segment size of a coalesced datagram, {@link #segmentSize}); with
     * {@code overflowBytes > 0}, each slot's message has a second iovec of that many bytes
     * ({@link #aimOverflow}) after the slot's {@code slotBytes}.
     */
    MessageSlots(Arena arena, int count, int slotBytes, boolean withControl, int overflowBytes) {
        this.count = count;
        this.slotBytes = slotBytes;
        this.iovecsPerSlot = overflowBytes > 0 ? 2 : 1;
        messages = arena.allocate(MMSGHDR, count);
        iovecs = arena.allocate(IOVEC, (long) count * iovecsPerSlot);
        names = arena.allocate(SOCKADDR_IN6, count);
        controls = withControl ? arena.allocate((long) CONTROL_BYTES * count, 8) : null;
        for (int slot = 0; slot < count; slot++) {
            MemorySegment iovec = iovecs.asSlice(slot * iovecsPerSlot * IOVEC.byteSize(), IOVEC.byteSize() * iovecsPerSlot);
            iovec.set(JAVA_LONG, IOV_LEN, slotBytes);
            if (overflowBytes > 0) {
                iovec.set(JAVA_LONG, IOVEC.byteSize() + IOV_LEN, overflowBytes);
            }
            long message = slot * MMSGHDR.byteSize();
            messages.set(ADDRESS, message + MSG_NAME, names.asSlice(slot * SOCKADDR_IN6.byteSize(), SOCKADDR_IN6));
            messages.set(ADDRESS, message + MSG_IOV, iovec);
            messages.set(JAVA_LONG, message + MSG_IOVLEN, iovecsPerSlot);
            if (controls != null) {
                messages.set(ADDRESS, message + MSG_CONTROL, controls.asSlice((long) slot * CONTROL_BYTES, CONTROL_BYTES));
            } // else msg_control stays NULL, msg_controllen 0: no ancillary data
        }
    }

    /** The {@code struct mmsghdr} array for {@code recvmmsg}. */
    MemorySegment messages() {
        return messages;
    }

    int count() {
        return count;
    }

    int slotBytes() {
        return slotBytes;
    }

    /**
     * Aims slot {@code i} at {@code bufferAddress + i * slotBytes}, and resets what the
     * kernel changes (the name length is in and out).
     */
    void pointInto(long bufferAddress) {
        for (int slot = 0; slot < count; slot++) {
            aim(slot, bufferAddress + (long) slot * slotBytes);
        }
    }

    /** Aims slot {@code slot} at {@code address} (room for {@code slotBytes}) and resets what the kernel changes. */
    private void aim(int slot, long address) {
        iovecs.set(JAVA_LONG, (long) slot * iovecsPerSlot * IOVEC.byteSize() + IOV_BASE, address);
        reset(slot);
    }

    /** Aims the overflow of slot {@code slot} (the slots were made with one) at {@code address}. */
    void aimOverflow(int slot, long address) {
        iovecs.set(JAVA_LONG, ((long) slot * iovecsPerSlot + 1) * IOVEC.byteSize() + IOV_BASE, address);
    }

    /** Resets what the kernel changed in every slot (name and control lengths are in and out). */
    void resetAll() {
        for (int slot = 0; slot < count; slot++) {
            reset(slot);
        }
    }

    private void reset(int slot) {
        long message = slot * MMSGHDR.byteSize();
        messages.set(JAVA_INT, message + MSG_NAMELEN, (int) SOCKADDR_IN6.byteSize());
        if (controls != null) {
            messages.set(JAVA_LONG, message + MSG_CONTROLLEN, CONTROL_BYTES);
        }
    }

    /**
     * The segment size the kernel gave with the datagram in {@code slot} ({@code UDP_GRO}: the
     * datagram is a run of segments of that size, the last possibly shorter), or 0.
     */
    int segmentSize(int slot) {
        if (controls == null) {
            return 0;
        }
        long length = messages.get(JAVA_LONG, slot * MMSGHDR.byteSize() + MSG_CONTROLLEN);
        long at = (long) slot * CONTROL_BYTES;
        // one control message fits; the kernel sends no other on this socket
        if (length >= CMSG_DATA + Integer.BYTES
                && controls.get(JAVA_INT, at + CMSG_LEVEL) == SendSlots.SOL_UDP
                && controls.get(JAVA_INT, at + CMSG_TYPE) == SocketCalls.UDP_GRO
                && controls.get(JAVA_LONG, at + CMSG_LEN) >= CMSG_DATA + Integer.BYTES) {
            return controls.get(JAVA_INT, at + CMSG_DATA);
        }
        return 0;
    }

    /** Bytes of the datagram in {@code slot} (at most the slot's size, plus the overflow's). */
    int length(int slot) {
        return messages.get(JAVA_INT, slot * MMSGHDR.byteSize() + MSG_LEN);
    }

    /** Whether the kernel cut the datagram in {@code slot} to the slot's size (MSG_TRUNC). */
    boolean truncated(int slot) {
        return (messages.get(JAVA_INT, slot * MMSGHDR.byteSize() + MSG_FLAGS) & SocketCalls.MSG_TRUNC) != 0;
    }

    /** The IPv4 sender of the datagram in {@code slot} as an int, or {@link #NOT_IPV4}. */
    long senderIpv4(int slot) {
        int nameLength = messages.get(JAVA_INT, slot * MMSGHDR.byteSize() + MSG_NAMELEN);
        return ipv4Of(names, slot * SOCKADDR_IN6.byteSize(), nameLength); // no slice: nothing allocated
    }

    /**
     * The IPv4 address in the {@code sockaddr_in}, or in the {@code sockaddr_in6} holding an
     * IPv4-mapped address, at {@code at} in {@code memory}, as the int {@code Ipv4Address.toInt}
     * makes; otherwise {@link #NOT_IPV4}. {@code nameLength} is what the kernel wrote.
     */
    static long ipv4Of(MemorySegment memory, long at, int nameLength) {
        if (nameLength < Short.BYTES) {
            return NOT_IPV4;
        }
        short family = memory.get(JAVA_SHORT, at);
        if (family == AF_INET && nameLength >= SIN_ADDR + Integer.BYTES) {
            return memory.get(NETWORK_INT, at + SIN_ADDR) & 0xFFFF_FFFFL;
        }
        long address = at + SIN6_ADDR;
        if (family == AF_INET6 && nameLength >= SIN6_ADDR + 16
                && memory.get(JAVA_INT, address) == 0 && memory.get(JAVA_INT, address + 4) == 0
                && memory.get(NETWORK_INT, address + 8) == V4_MAPPED_WORD) {
            return memory.get(NETWORK_INT, address + 12) & 0xFFFF_FFFFL;
        }
        return NOT_IPV4;
    }

    /** The native address of {@code length} bytes at {@code index} of a direct buffer of one piece. */
    static long address(ByteBuf buffer, int index, int length) {
        if (buffer.hasMemoryAddress()) { // Netty with Unsafe
            return buffer.memoryAddress() + index;
        }
        return MemorySegment.ofBuffer(buffer.internalNioBuffer(index, length)).address();
    }
}
