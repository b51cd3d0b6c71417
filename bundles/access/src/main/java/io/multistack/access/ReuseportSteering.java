package io.multistack.access;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.multistack.api.loop.DataPathLoops;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Has the kernel pick, among the endpoint's sockets on one port (SO_REUSEPORT), the socket
 * of the loop that runs the packet's tenant: a classic BPF program attached to the group
 * (SO_ATTACH_REUSEPORT_CBPF) reads the last four bytes of the inner destination MAC and
 * returns them modulo the number of sockets, the rule of {@link DataPathLoops#loopIndex}.
 * The program sees the UDP payload: the 8-byte VXLAN header, then the Ethernet frame, so the
 * MAC's last four bytes are at offset 8 + 2. A packet too short for the load gets index 0.
 */
final class ReuseportSteering {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    private static final short LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
    private static final short ALU_MOD_K = 0x94; // BPF_ALU | BPF_MOD | BPF_K
    private static final short RET_A = 0x16; // BPF_RET | BPF_A
    static final int MAC_LOW_OFFSET = 8 + 2;

    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    private static final StructLayout FILTER = MemoryLayout.structLayout(JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"), JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));
    /** struct sock_fprog: unsigned short len, (padding), struct sock_filter *filter. */
    private static final StructLayout PROGRAM = MemoryLayout.structLayout(JAVA_SHORT.withName("len"),
            MemoryLayout.paddingLayout(6), ADDRESS.withName("filter"));

    private ReuseportSteering() {}

    /** Attaches the program to the reuseport group of socket {@code fd}, which has {@code sockets} members. */
    static void attach(int fd, int sockets) throws IOException {
        int[][] program = {{LD_W_ABS, MAC_LOW_OFFSET}, {ALU_MOD_K, sockets}, {RET_A, 0}};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment filters = arena.allocate(FILTER, program.length);
            for (int i = 0; i < program.length; i++) {
                MemorySegment filter = filters.asSlice(i * FILTER.byteSize(), FILTER);
                filter.set(JAVA_SHORT, 0, (short) program[i][0]);
                filter.set(JAVA_INT, 4, program[i][1]);
            }
            MemorySegment fprog = arena.allocate(PROGRAM);
            fprog.set(JAVA_SHORT, 0, (short) program.length);
            fprog.set(ADDRESS, 8, filters);
            SocketCalls.setsockopt(arena.allocate(SocketCalls.CALL_STATE), fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF,
                    fprog, "SO_ATTACH_REUSEPORT_CBPF");
        }
    }
}
