package io.multistack.access;

import static io.multistack.access.MessageSlots.CMSGHDR;
import static io.multistack.access.MessageSlots.IOVEC;
import static io.multistack.access.MessageSlots.IOV_BASE;
import static io.multistack.access.MessageSlots.IOV_LEN;
import static io.multistack.access.MessageSlots.MMSGHDR;
import static io.multistack.access.MessageSlots.MSG_CONTROL;
import static io.multistack.access.MessageSlots.MSG_CONTROLLEN;
import static io.multistack.access.MessageSlots.MSG_IOV;
import static io.multistack.access.MessageSlots.MSG_IOVLEN;
import static io.multistack.access.MessageSlots.MSG_NAME;
import static io.multistack.access.MessageSlots.MSG_NAMELEN;
import static io.multistack.access.MessageSlots.NETWORK_INT;
import static io.multistack.access.MessageSlots.SIN6_ADDR;
import static io.multistack.access.MessageSlots.SIN_ADDR;
import static io.multistack.access.MessageSlots.SOCKADDR_IN;
import static io.multistack.access.MessageSlots.SOCKADDR_IN6;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The native argument of {@code sendmmsg} over a fixed number of slots, allocated once: per
 * slot one {@code struct mmsghdr}, one {@code struct iovec} (aimed per message at the
 * packet's own memory), the destination ({@code sockaddr_in}, or an IPv4-mapped
 * {@code sockaddr_in6} on a dual-stack socket), and room for one {@code cmsghdr} carrying
 * {@code UDP_SEGMENT} (a u16 segment size) that is attached only to segmented (GSO)
 * messages. Layouts: {@link MessageSlots}.
 */
final class SendSlots {
    /** cmsg_level and cmsg_type of a segmented send (linux/udp.h). */
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    /** CMSG_SPACE(sizeof(uint16_t)): the header, the u16, padding to 8. */
    static final long SEGMENT_CONTROL_SPACE = 24;
    /** CMSG_LEN(sizeof(uint16_t)). */
    private static final long SEGMENT_CONTROL_LENGTH = CMSGHDR.byteSize() + Short.BYTES;
    private static final long SIN_PORT = SOCKADDR_IN.byteOffset(groupElement("sin_port"));
    private static final ValueLayout.OfShort NETWORK_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final int count;
    private final boolean ipv6;
    private final long nameBytes;
    private final MemorySegment messages;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment controls;
    /** The message array from each slot on: slicing per call would allocate. */
    private final MemorySegment[] from;

    /**
     * {@code count} slots in native memory of {@code arena}, naming destinations as the
     * socket's family ({@link MessageSlots#AF_INET} or {@link MessageSlots#AF_INET6}) wants.
     */
    SendSlots(Arena arena, int count, short family) {
        this.count = count;
        this.ipv6 = family == MessageSlots.AF_INET6;
        this.nameBytes = ipv6 ? SOCKADDR_IN6.byteSize() : SOCKADDR_IN.byteSize();
        messages = arena.allocate(MMSGHDR, count);
        iovecs = arena.allocate(IOVEC, count);
        names = arena.allocate(nameBytes * count, 8);
        controls = arena.allocate(SEGMENT_CONTROL_SPACE * count, 8);
        from = new MemorySegment[count];
        for (int slot = 0; slot < count; slot++) {
            long message = slot * MMSGHDR.byteSize();
            messages.set(ADDRESS, message + MSG_NAME, names.asSlice(slot * nameBytes, nameBytes));
            messages.set(JAVA_INT, message + MSG_NAMELEN, (int) nameBytes);
            messages.set(ADDRESS, message + MSG_IOV, iovecs.asSlice(slot * IOVEC.byteSize(), IOVEC));
            messages.set(JAVA_LONG, message + MSG_IOVLEN, 1);
            long control = slot * SEGMENT_CONTROL_SPACE;
            controls.set(JAVA_LONG, control + MessageSlots.CMSG_LEN, SEGMENT_CONTROL_LENGTH);
            controls.set(JAVA_INT, control + MessageSlots.CMSG_LEVEL, SOL_UDP);
            controls.set(JAVA_INT, control + MessageSlots.CMSG_TYPE, UDP_SEGMENT);
            short familyValue = ipv6 ? MessageSlots.AF_INET6 : MessageSlots.AF_INET;
            names.set(JAVA_SHORT, slot * nameBytes, familyValue);
            if (ipv6) { // ::ffff:a.b.c.d, flow info and scope 0 (the allocation is zeroed)
                names.set(NETWORK_INT, slot * nameBytes + SIN6_ADDR + 8, MessageSlots.V4_MAPPED_WORD);
            }
            from[slot] = messages.asSlice(message);
        }
    }

    int count() {
        return count;
    }

    /** The {@code struct mmsghdr} array from {@code slot} on, for {@code sendmmsg}. */
    MemorySegment from(int slot) {
        return from[slot];
    }

    /** Sends slot's message to {@code ipv4} (an int, first octet high) and {@code port}. */
    void destination(int slot, int ipv4, int port) {
        long name = slot * nameBytes;
        names.set(NETWORK_SHORT, name + SIN_PORT, (short) port); // sin6_port is at the same offset
        names.set(NETWORK_INT, name + (ipv6 ? SIN6_ADDR + 12 : SIN_ADDR), ipv4);
    }

    /** Aims the slot's one iovec at {@code length} bytes at {@code address}; no segmentation. */
    void payload(int slot, long address, long length) {
        long iovec = slot * IOVEC.byteSize();
        iovecs.set(JAVA_LONG, iovec + IOV_BASE, address);
        iovecs.set(JAVA_LONG, iovec + IOV_LEN, length);
        unsegmented(slot);
    }

    void length(int slot, long length) {
        iovecs.set(JAVA_LONG, slot * IOVEC.byteSize() + IOV_LEN, length);
    }

    long length(int slot) {
        return iovecs.get(JAVA_LONG, slot * IOVEC.byteSize() + IOV_LEN);
    }

    long base(int slot) {
        return iovecs.get(JAVA_LONG, slot * IOVEC.byteSize() + IOV_BASE);
    }

    /** The kernel cuts the slot's payload into datagrams of {@code segmentSize} (UDP GSO). */
    void segmented(int slot, int segmentSize) {
        long control = slot * SEGMENT_CONTROL_SPACE;
        controls.set(JAVA_SHORT, control + MessageSlots.CMSG_DATA, (short) segmentSize);
        long message = slot * MMSGHDR.byteSize();
        messages.set(JAVA_LONG, message + MSG_CONTROL, controls.address() + control);
        messages.set(JAVA_LONG, message + MSG_CONTROLLEN, SEGMENT_CONTROL_SPACE);
    }

    /** One datagram again: no ancillary data. */
    void unsegmented(int slot) {
        long message = slot * MMSGHDR.byteSize();
        messages.set(JAVA_LONG, message + MSG_CONTROL, 0);
        messages.set(JAVA_LONG, message + MSG_CONTROLLEN, 0);
    }

    boolean segmentedAt(int slot) {
        return messages.get(JAVA_LONG, slot * MMSGHDR.byteSize() + MSG_CONTROLLEN) != 0;
    }
}
