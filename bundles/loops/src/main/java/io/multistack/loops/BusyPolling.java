package io.multistack.loops;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * A loop that never sleeps: each turn polls its epoll set (or selector) without waiting and
 * goes on to its tasks and due timers, so a packet is taken within a turn of its arrival, by
 * a thread that is running and whose caches are warm. It costs a processor per loop, busy
 * also when nothing arrives: for appliances that trade cores for round-trip time.
 *
 * <p>Netty's own {@link SelectStrategy#BUSY_WAIT} spins inside the native epoll wait until a
 * descriptor is ready, without re-arming the loop's timer for deadlines scheduled meanwhile:
 * such tasks (TCP retransmissions, ARP) would wait for the next packet. Returning the ready
 * count of a non-blocking poll keeps every turn of the loop, timers included. Stateless, so
 * one instance serves every loop.
 */
final class BusyPolling implements SelectStrategy, SelectStrategyFactory {
    static final BusyPolling INSTANCE = new BusyPolling();

    private BusyPolling() {}

    @Override
    public SelectStrategy newSelectStrategy() {
        return this;
    }

    /** The number of ready descriptors now (0: nothing to handle this turn), never a wait. */
    @Override
    public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
        return pollNow.get();
    }
}
