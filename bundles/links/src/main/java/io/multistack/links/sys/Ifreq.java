package io.multistack.links.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} (linux/if.h): a 16-byte NUL-terminated interface name, then a 24-byte
 * union of which we use {@code ifr_flags} (short) and {@code ifr_mtu} (int), both at offset 16.
 */
public final class Ifreq {
    public static final int SIZE = 40;
    public static final int NAME_SIZE = 16;
    static final int UNION_OFFSET = 16;

    /** Longest usable interface name (IFNAMSIZ minus the terminating NUL). */
    public static final int MAX_NAME = NAME_SIZE - 1;

    private final MemorySegment segment;

    private Ifreq(MemorySegment segment) {
        this.segment = segment;
    }

    public static Ifreq allocate(Arena arena, String interfaceName) {
        Ifreq request = new Ifreq(arena.allocate(SIZE, 8));
        request.name(interfaceName);
        return request;
    }

    /** Rejects names the kernel would refuse or silently truncate. */
    public static void checkName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (name.isEmpty() || bytes.length > MAX_NAME || name.contains("/") || name.chars().anyMatch(Character::isWhitespace)
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("'" + name + "' is not an interface name (1.." + MAX_NAME
                    + " ASCII characters, no '/' or blanks)");
        }
    }

    private void name(String name) {
        checkName(name);
        segment.asSlice(0, NAME_SIZE).fill((byte) 0);
        MemorySegment.copy(name.getBytes(StandardCharsets.US_ASCII), 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE,
                0, name.length());
    }

    /** The name the kernel wrote back (TUNSETIFF fills it in when a pattern such as tap%d was given). */
    public String name() {
        return segment.getString(0, StandardCharsets.US_ASCII);
    }

    public short flags() {
        return segment.get(JAVA_SHORT, UNION_OFFSET);
    }

    public Ifreq flags(int flags) {
        segment.set(JAVA_SHORT, UNION_OFFSET, (short) flags);
        return this;
    }

    public int mtu() {
        return segment.get(JAVA_INT, UNION_OFFSET);
    }

    public Ifreq mtu(int mtu) {
        segment.set(JAVA_INT, UNION_OFFSET, mtu);
        return this;
    }

    public MemorySegment segment() {
        return segment;
    }
}
