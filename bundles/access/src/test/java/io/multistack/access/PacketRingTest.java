package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded many-producer, one-consumer ring of packets towards the sites. */
class PacketRingTest {
    private static final InetSocketAddress SITE_A = new InetSocketAddress("198.51.100.11", 4789);
    private static final InetSocketAddress SITE_B = new InetSocketAddress("198.51.100.12", 4789);

    private record Entry(int value, InetSocketAddress to) {}

    private static ByteBuf packet(int value) {
        return Unpooled.buffer(4).writeInt(value);
    }

    private static List<Entry> drainAll(PacketRing ring, int max) {
        List<Entry> out = new ArrayList<>();
        ring.drain((packet, to) -> out.add(new Entry(packet.getInt(0), to)), max);
        return out;
    }

    @Test
    void packetsLeaveInTheOrderTheyCameWithTheirDestinations() {
        PacketRing ring = new PacketRing(8);
        assertThat(ring.offer(packet(1), SITE_A)).isTrue();
        assertThat(ring.offer(packet(2), SITE_B)).isTrue();
        assertThat(ring.offer(packet(3), SITE_A)).isTrue();

        assertThat(drainAll(ring, Integer.MAX_VALUE))
                .containsExactly(new Entry(1, SITE_A), new Entry(2, SITE_B), new Entry(3, SITE_A));
        assertThat(ring.isEmpty()).isTrue();
        assertThat(drainAll(ring, Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void aFullRingRefusesAndTakesAgainOnceDrained() {
        PacketRing ring = new PacketRing(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(packet(i), SITE_A)).isTrue();
        }
        assertThat(ring.offer(packet(4), SITE_A)).as("fifth in a ring of four").isFalse();

        assertThat(drainAll(ring, 1)).containsExactly(new Entry(0, SITE_A));
        assertThat(ring.offer(packet(5), SITE_B)).isTrue();
        assertThat(ring.offer(packet(6), SITE_B)).isFalse();
        assertThat(drainAll(ring, Integer.MAX_VALUE)).extracting(Entry::value).containsExactly(1, 2, 3, 5);
    }

    @Test
    void wrapsAroundManyTimes() {
        PacketRing ring = new PacketRing(2);
        for (int i = 0; i < 1000; i++) {
            assertThat(ring.offer(packet(i), SITE_A)).isTrue();
            assertThat(drainAll(ring, 5)).containsExactly(new Entry(i, SITE_A));
        }
    }

    @Test
    void aDrainGivesAtMostWhatItIsAskedFor() {
        PacketRing ring = new PacketRing(8);
        for (int i = 0; i < 5; i++) {
            ring.offer(packet(i), SITE_A);
        }
        assertThat(drainAll(ring, 2)).extracting(Entry::value).containsExactly(0, 1);
        assertThat(drainAll(ring, 2)).extracting(Entry::value).containsExactly(2, 3);
        assertThat(drainAll(ring, 2)).extracting(Entry::value).containsExactly(4);
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new PacketRing(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketRing(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PacketRing(16).capacity()).isEqualTo(16);
    }

    /** Four threads offer while one drains: nothing lost or doubled, each thread's order kept. */
    @Test
    void concurrentProducersLoseNothingAndKeepTheirOwnOrder() throws InterruptedException {
        int producers = 4;
        int perProducer = 50_000;
        PacketRing ring = new PacketRing(64);
        InetSocketAddress[] destinations = new InetSocketAddress[producers];
        for (int p = 0; p < producers; p++) {
            destinations[p] = new InetSocketAddress("198.51.100." + (20 + p), 4789);
        }
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    ByteBuf packet = Unpooled.buffer(8).writeInt(producer).writeInt(i);
                    while (!ring.offer(packet, destinations[producer])) {
                        refused.incrementAndGet();
                        Thread.onSpinWait();
                    }
                }
                done.countDown();
            });
            thread.setDaemon(true);
            thread.start();
        }
        int[] next = new int[producers];
        List<String> errors = new ArrayList<>();
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received < producers * perProducer && System.nanoTime() < deadline) {
            received += ring.drain((packet, to) -> {
                int producer = packet.getInt(0);
                int sequence = packet.getInt(4);
                if (sequence != next[producer] || to != destinations[producer]) {
                    errors.add("producer " + producer + " gave " + sequence + " expected " + next[producer]);
                }
                next[producer] = sequence + 1;
            }, 100);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(received).isEqualTo(producers * perProducer);
        assertThat(ring.isEmpty()).isTrue();
    }
}
