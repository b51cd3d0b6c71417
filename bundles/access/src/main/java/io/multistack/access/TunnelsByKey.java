package io.multistack.access;

import java.util.Collection;

/**
 * An immutable map from a tunnel's (remote, VNI) key to its row, with open addressing over
 * two arrays: a lookup per packet hashes a {@code long} and compares longs, boxing nothing
 * (a {@code Map<Long, Tunnel>} boxes the key of every lookup). At most half full.
 */
final class TunnelsByKey {
    private final long[] keys;
    private final Tunnel[] tunnels;
    private final int mask;

    private TunnelsByKey(int capacity) {
        keys = new long[capacity];
        tunnels = new Tunnel[capacity];
        mask = capacity - 1;
    }

    /** Keys must be distinct (the table refuses a second row with the same key). */
    static TunnelsByKey of(Collection<Tunnel> rows) {
        int capacity = Integer.highestOneBit(Math.max(4, rows.size() * 2 - 1)) << 1;
        TunnelsByKey map = new TunnelsByKey(capacity);
        for (Tunnel tunnel : rows) {
            int slot = map.slotOf(tunnel.key());
            while (map.tunnels[slot] != null) {
                slot = (slot + 1) & map.mask;
            }
            map.keys[slot] = tunnel.key();
            map.tunnels[slot] = tunnel;
        }
        return map;
    }

    Tunnel get(long key) {
        for (int slot = slotOf(key);; slot = (slot + 1) & mask) {
            Tunnel tunnel = tunnels[slot];
            if (tunnel == null || keys[slot] == key) {
                return tunnel;
            }
        }
    }

    private int slotOf(long key) {
        long mixed = key * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing: spreads remote and VNI bits
        return (int) (mixed >>> 32) & mask;
    }
}
