package io.multistack.access;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded queue of packets with their destinations: many threads offer, one drains. Fixed
 * arrays, so queuing a packet allocates nothing (a linked queue costs a node per packet).
 * The algorithm is Dmitry Vyukov's bounded queue: each slot carries a sequence number that
 * says whose turn it is, producers claim a position with one CAS on the tail, and the
 * consumer owns the head alone. A slot is published by a release write of its sequence
 * after its two references are stored, so the consumer never sees half an entry.
 */
final class PacketRing {
    /** Takes the packets the ring gives up, in order. */
    interface Sink {
        void accept(ByteBuf packet, InetSocketAddress to);
    }

    private final int mask;
    private final ByteBuf[] packets;
    private final InetSocketAddress[] destinations;
    private final AtomicLongArray sequence;
    private final AtomicLong tail = new AtomicLong();
    /** Only the consumer reads and writes it. */
    private long head;

    /** @param capacity a power of two */
    PacketRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two >= 2");
        }
        mask = capacity - 1;
        packets = new ByteBuf[capacity];
        destinations = new InetSocketAddress[capacity];
        sequence = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            sequence.set(i, i);
        }
    }

    int capacity() {
        return mask + 1;
    }

    /** Any thread. Returns false, keeping nothing, when the ring is full. */
    boolean offer(ByteBuf packet, InetSocketAddress to) {
        long position = tail.get();
        for (;;) {
            int slot = (int) position & mask;
            long turn = sequence.getAcquire(slot) - position;
            if (turn == 0) {
                if (tail.weakCompareAndSetVolatile(position, position + 1)) {
                    packets[slot] = packet;
                    destinations[slot] = to;
                    sequence.setRelease(slot, position + 1);
                    return true;
                }
                position = tail.get();
            } else if (turn < 0) {
                return false; // the slot still holds the packet of one lap ago
            } else {
                position = tail.get(); // another producer took this position
            }
        }
    }

    /**
     * The consumer only. Hands at most {@code max} packets to the sink in the order they were
     * offered; stops early at a slot whose producer has claimed but not yet filled it.
     *
     * @return how many packets the sink got
     */
    int drain(Sink sink, int max) {
        int taken = 0;
        while (taken < max) {
            int slot = (int) head & mask;
            if (sequence.getAcquire(slot) != head + 1) {
                break;
            }
            ByteBuf packet = packets[slot];
            InetSocketAddress to = destinations[slot];
            packets[slot] = null;
            destinations[slot] = null;
            sequence.setRelease(slot, head + mask + 1);
            head++;
            taken++;
            sink.accept(packet, to);
        }
        return taken;
    }

    /** The consumer only: true when a drain would hand out nothing right now. */
    boolean isEmpty() {
        return sequence.getAcquire((int) head & mask) != head + 1;
    }
}
