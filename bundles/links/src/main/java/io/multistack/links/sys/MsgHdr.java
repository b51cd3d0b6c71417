package io.multistack.links.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One reusable {@code struct msghdr} (x86-64 / LP64 layout) with a single iovec, a
 * sockaddr_ll for the sender and a control buffer, for recvmsg on a packet socket.
 */
public final class MsgHdr {
    static final int SIZE = 56;
    static final int NAME = 0;
    static final int NAMELEN = 8;
    static final int IOV = 16;
    static final int IOVLEN = 24;
    static final int CONTROL = 32;
    static final int CONTROLLEN = 40;
    static final int FLAGS = 48;
    static final int CONTROL_SIZE = 64;

    private final MemorySegment header;
    private final MemorySegment iovec;
    private final MemorySegment address;
    private final MemorySegment control;

    public MsgHdr(Arena arena) {
        header = arena.allocate(SIZE, 8);
        iovec = arena.allocate(16, 8);
        address = arena.allocate(SockaddrLl.SIZE, 8);
        control = arena.allocate(CONTROL_SIZE, 8);
        header.set(ADDRESS, IOV, iovec);
        header.set(JAVA_LONG, IOVLEN, 1);
    }

    /** Points the single iovec at {@code buffer} and resets the in/out lengths. */
    public MemorySegment prepare(MemorySegment buffer) {
        iovec.set(ADDRESS, 0, buffer);
        iovec.set(JAVA_LONG, 8, buffer.byteSize());
        header.set(ADDRESS, NAME, address);
        header.set(JAVA_INT, NAMELEN, SockaddrLl.SIZE);
        header.set(ADDRESS, CONTROL, control);
        header.set(JAVA_LONG, CONTROLLEN, CONTROL_SIZE);
        header.set(JAVA_INT, FLAGS, 0);
        return header;
    }

    public int flags() {
        return header.get(JAVA_INT, FLAGS);
    }

    public MemorySegment address() {
        return address;
    }

    /** The stripped VLAN tag of the frame just received, or {@code null}. */
    public AuxData auxData() {
        return AuxData.find(control, header.get(JAVA_LONG, CONTROLLEN));
    }
}
