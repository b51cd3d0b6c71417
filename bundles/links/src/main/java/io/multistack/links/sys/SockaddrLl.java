package io.multistack.links.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code struct sockaddr_ll} (linux/if_packet.h), 20 bytes: family, protocol (network order),
 * ifindex, hatype, pkttype, halen, addr[8].
 */
public final class SockaddrLl {
    public static final int SIZE = 20;
    public static final int AF_PACKET = 17;
    public static final int ETH_P_ALL = 0x0003;
    static final int PROTOCOL_OFFSET = 2;
    static final int IFINDEX_OFFSET = 4;
    static final int PKTTYPE_OFFSET = 10;
    /** A frame this host sent, looped back to packet sockets. */
    public static final int PACKET_OUTGOING = 4;

    private SockaddrLl() {}

    /** An address that binds a packet socket to every protocol on one interface. */
    public static MemorySegment bindAll(Arena arena, int ifindex) {
        MemorySegment address = arena.allocate(SIZE, 4);
        address.set(JAVA_SHORT, 0, (short) AF_PACKET);
        address.set(JAVA_SHORT, PROTOCOL_OFFSET, Short.reverseBytes((short) ETH_P_ALL));
        address.set(JAVA_INT, IFINDEX_OFFSET, ifindex);
        return address;
    }

    public static int pktType(MemorySegment address) {
        return Byte.toUnsignedInt(address.get(JAVA_BYTE, PKTTYPE_OFFSET));
    }

    public static int ifindex(MemorySegment address) {
        return address.get(JAVA_INT, IFINDEX_OFFSET);
    }

    /** htons(ETH_P_ALL), the protocol argument of socket(2) for AF_PACKET. */
    public static int protocolAllNetworkOrder() {
        return Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));
    }
}
