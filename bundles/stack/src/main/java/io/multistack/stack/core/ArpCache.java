package io.multistack.stack.core;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Neighbours learned by ARP, and packets waiting for a neighbour to answer. Confined to the
 * stack's loop. Entries expire after {@link #REACHABLE_NANOS}; unresolved requests are
 * retried every second and given up after {@link #MAX_REQUESTS} tries (RFC 1122 2.3.2.1).
 */
final class ArpCache {
    static final long REACHABLE_NANOS = 60_000_000_000L;
    static final long RETRY_NANOS = 1_000_000_000L;
    static final int MAX_REQUESTS = 3;
    /** Packets held per unresolved neighbour; RFC 1122 asks for at least one. */
    static final int MAX_PENDING = 8;
    /** Bound on neighbours per tenant so a scan of the subnet cannot grow memory without limit. */
    static final int MAX_ENTRIES = 1024;

    record Entry(long mac, long expiresAt) {}

    /** A neighbour being resolved: packets queued (Ethernet payload ready, MACs unknown). */
    static final class Pending {
        final ArrayDeque<PendingPacket> packets = new ArrayDeque<>();
        int requestsSent;
        long nextRequestAt;
    }

    record PendingPacket(int etherType, ByteBuf payload) {}

    private final Map<Integer, Entry> entries = new HashMap<>();
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** The last neighbour looked up: a flow's frames skip the map and the boxing of its key. */
    private int lastIp;
    private Entry lastEntry;

    /** The MAC of a reachable neighbour, or -1. */
    long lookup(int ip, long now) {
        Entry entry;
        if (lastEntry != null && lastIp == ip) {
            entry = lastEntry;
        } else {
            entry = entries.get(ip);
            lastIp = ip;
            lastEntry = entry;
        }
        if (entry == null || entry.expiresAt - now <= 0) {
            return -1;
        }
        return entry.mac;
    }

    /** Learns or refreshes a neighbour; returns its queued packets (possibly empty). */
    List<PendingPacket> learn(int ip, long mac, long now) {
        if (entries.size() >= MAX_ENTRIES && !entries.containsKey(ip)) {
            evictOldest();
        }
        entries.put(ip, new Entry(mac, now + REACHABLE_NANOS));
        lastEntry = null;
        Pending waiting = pending.remove(ip);
        return waiting == null ? List.of() : new ArrayList<>(waiting.packets);
    }

    boolean knows(int ip) {
        return entries.containsKey(ip);
    }

    /** No neighbour known or being resolved: {@link #tick} has nothing to do. */
    boolean isEmpty() {
        return entries.isEmpty() && pending.isEmpty();
    }

    /**
     * Queues a packet for an unresolved neighbour.
     *
     * @return true when an ARP request should go out now (first packet for that neighbour)
     */
    boolean enqueue(int ip, PendingPacket packet, long now, DropCounters drops) {
        Pending waiting = pending.get(ip);
        boolean fresh = waiting == null;
        if (fresh) {
            if (pending.size() >= MAX_ENTRIES) {
                packet.payload().release();
                drops.count("arp.too-many-unresolved");
                return false;
            }
            waiting = new Pending();
            waiting.requestsSent = 1;
            waiting.nextRequestAt = now + RETRY_NANOS;
            pending.put(ip, waiting);
        }
        if (waiting.packets.size() >= MAX_PENDING) {
            waiting.packets.pollFirst().payload().release();
            drops.count("arp.queue-full");
        }
        waiting.packets.addLast(packet);
        return fresh;
    }

    /**
     * Advances time: drops expired entries, gives up on neighbours that never answered,
     * and returns the addresses to send another request for.
     */
    List<Integer> tick(long now, DropCounters drops) {
        if (entries.values().removeIf(entry -> entry.expiresAt - now <= 0)) {
            lastEntry = null;
        }
        List<Integer> retry = new ArrayList<>();
        for (Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Pending> row = it.next();
            Pending waiting = row.getValue();
            if (waiting.nextRequestAt - now > 0) {
                continue;
            }
            if (waiting.requestsSent >= MAX_REQUESTS) {
                for (PendingPacket packet : waiting.packets) {
                    packet.payload().release();
                    drops.count("arp.unresolved");
                }
                it.remove();
            } else {
                waiting.requestsSent++;
                waiting.nextRequestAt = now + RETRY_NANOS;
                retry.add(row.getKey());
            }
        }
        return retry;
    }

    Map<Integer, Entry> entries() {
        return Map.copyOf(entries);
    }

    void clear() {
        entries.clear();
        lastEntry = null;
        pending.values().forEach(p -> p.packets.forEach(packet -> packet.payload().release()));
        pending.clear();
    }

    private void evictOldest() {
        entries.entrySet().stream()
                .min(Map.Entry.comparingByValue((a, b) -> Long.compare(a.expiresAt, b.expiresAt)))
                .ifPresent(oldest -> entries.remove(oldest.getKey()));
        lastEntry = null;
    }
}
