package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The timer heap against the obvious model (the minimum over all connections' deadlines):
 * whatever is armed, postponed, disarmed or removed,
 * the heap's earliest is the true earliest deadline, and every connection whose deadline has
 * come is found, earliest first.
 */
class TimerHeapTest {
    private static final class Discard implements TcpOutput {
        @Override
        public ByteBuf allocate(int tcpLength) {
            return ByteBufAllocator.DEFAULT.heapBuffer(tcpLength);
        }

        @Override
        public void send(int source, int destination, ByteBuf segment, long at) {
            segment.release();
        }

        @Override
        public int mtu() {
            return 1500;
        }
    }

    @Test
    void theEarliestKeyNeverMissesADeadlineAndDueConnectionsAreAllFound() {
        SplittableRandom random = new SplittableRandom(7);
        TcpEngine engine = new TcpEngine(TcpSettings.defaults(), new Discard(), new IsnGenerator(random.split()),
                ByteBufAllocator.DEFAULT);
        TimerHeap heap = new TimerHeap();
        List<TcpConnection> connections = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            connections.add(new TcpConnection(engine, new FourTuple(1, 1000 + i, 2, 80), false, i, 0));
        }
        List<TcpConnection> live = new ArrayList<>(); // armed since last removed
        for (int step = 0; step < 20_000; step++) {
            TcpConnection c = connections.get(random.nextInt(connections.size()));
            long at = random.nextLong(1, 1_000_000);
            switch (random.nextInt(5)) {
                case 0 -> c.retransmitDeadline = at;
                case 1 -> c.delayedAckDeadline = at;
                case 2 -> c.keepAliveDeadline = TcpConnection.NONE; // disarmed: no heap work
                case 3 -> c.stateDeadline = at;
                default -> {
                    heap.remove(c);
                    live.remove(c);
                    continue;
                }
            }
            heap.armed(c);
            if (!live.contains(c)) {
                live.add(c);
            }
            long trueEarliest = live.stream().mapToLong(TcpConnection::nextDeadline).min()
                    .orElse(TcpConnection.NONE);
            assertThat(heap.earliest()).isEqualTo(trueEarliest);
        }
        // draining by key finds every connection, earliest key first
        long now = 500_000;
        long previous = Long.MIN_VALUE;
        List<TcpConnection> found = new ArrayList<>();
        while (!heap.isEmpty() && heap.earliest() <= now) {
            assertThat(heap.earliest()).isGreaterThanOrEqualTo(previous);
            previous = heap.earliest();
            found.add(heap.poll());
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(
                live.stream().filter(c -> c.nextDeadline() <= now).toList());
    }
}
