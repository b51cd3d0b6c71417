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
 * stack's loop.
 *
 * <p>A neighbour is reachable for {@link #REACHABLE_NANOS} after it was learned or last heard
 * from (any ARP packet it sends refreshes it). Past that it is stale but still used, as
 * Linux does: the first packet sent to it starts unicast probes to its known MAC, one a
 * second, at most {@link #MAX_REQUESTS}; an answer makes it reachable again, silence removes
 * it (RFC 1122 2.3.2.1). Traffic never waits on an address that answered before: a busy flow
 * would otherwise stall, and lose what overflows the queue, once a minute. A stale neighbour
 * nobody sends to is forgotten after another {@link #REACHABLE_NANOS}. An unknown neighbour
 * is resolved by broadcast requests, retried every second and given up after
 * {@link #MAX_REQUESTS} tries, while its packets wait.
 */
final class ArpCache {
    static final long REACHABLE_NANOS = 60_000_000_000L;
    static final long RETRY_NANOS = 1_000_000_000L;
    static final int MAX_REQUESTS = 3;
    /** Packets held per unresolved neighbour; RFC 1122 asks for at least one. */
    static final int MAX_PENDING = 8;
    /** Bound on neighbours per tenant so a scan of the subnet cannot grow memory without limit. */
    static final int MAX_ENTRIES = 1024;

    /** A known neighbour. {@code probesSent} is 0 unless it is stale and being probed. */
    static final class Entry {
        final long mac;
        final long reachableUntil;
        int probesSent;
        long nextProbeAt;

        Entry(long mac, long reachableUntil) {
            this.mac = mac;
            this.reachableUntil = reachableUntil;
        }

        boolean reachable(long now) {
            return reachableUntil - now > 0;
        }
    }

    /** An ARP request to send: resolution (to broadcast, {@code mac} -1) or a probe of a stale neighbour. */
    record Request(int ip, long mac) {
        boolean broadcast() {
            return mac < 0;
        }
    }

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

    /** The MAC of a known neighbour, reachable or stale, or -1. */
    long lookup(int ip) {
        Entry entry = entry(ip);
        return entry == null ? -1 : entry.mac;
    }

    /**
     * After a packet went to {@code ip} ({@link #lookup} found it): true when it is stale and
     * not yet probed, so the caller sends the first unicast probe now; the next ones come from
     * {@link #tick}.
     */
    boolean startProbe(int ip, long now) {
        Entry entry = entry(ip);
        if (entry == null || entry.probesSent > 0 || entry.reachable(now)) {
            return false;
        }
        entry.probesSent = 1;
        entry.nextProbeAt = now + RETRY_NANOS;
        return true;
    }

    private Entry entry(int ip) {
        if (lastEntry != null && lastIp == ip) {
            return lastEntry;
        }
        Entry entry = entries.get(ip);
        lastIp = ip;
        lastEntry = entry;
        return entry;
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
     * Advances time: forgets stale neighbours that did not answer their probes or that nobody
     * used, gives up on unknown ones that never answered, and returns the requests to send:
     * the next probes and the next broadcast tries.
     */
    List<Request> tick(long now, DropCounters drops) {
        List<Request> requests = new ArrayList<>();
        boolean removed = entries.entrySet().removeIf(row -> {
            Entry entry = row.getValue();
            if (entry.probesSent == 0) {
                return entry.reachableUntil + REACHABLE_NANOS - now <= 0; // stale and unused
            }
            if (entry.nextProbeAt - now > 0) {
                return false;
            }
            if (entry.probesSent >= MAX_REQUESTS) {
                drops.count("arp.neighbour-gone");
                return true;
            }
            entry.probesSent++;
            entry.nextProbeAt = now + RETRY_NANOS;
            requests.add(new Request(row.getKey(), entry.mac));
            return false;
        });
        if (removed) {
            lastEntry = null;
        }
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
                requests.add(new Request(row.getKey(), -1));
            }
        }
        return requests;
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
                .min(Map.Entry.comparingByValue((a, b) -> Long.compare(a.reachableUntil, b.reachableUntil)))
                .ifPresent(oldest -> entries.remove(oldest.getKey()));
        lastEntry = null;
    }
}
