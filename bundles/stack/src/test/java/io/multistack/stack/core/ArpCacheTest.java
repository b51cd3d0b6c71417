package io.multistack.stack.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The neighbour cache, including its one-entry shortcut for the last neighbour looked up. */
class ArpCacheTest {
    private static final int HOST = 0xC0A8010A; // 192.168.1.10
    private static final int OTHER = 0xC0A8010B;
    private final ArpCache cache = new ArpCache();
    private final DropCounters drops = new DropCounters();

    @Test
    void anUnknownNeighbourHasNoMac() {
        assertThat(cache.lookup(HOST)).isEqualTo(-1);
    }

    @Test
    void aRelearnedMacReplacesTheOneLookedUpBefore() {
        cache.learn(HOST, 0x0200_0000_0001L, 0);
        assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0001L);

        cache.learn(HOST, 0x0200_0000_0002L, 2);
        assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0002L);
    }

    @Test
    void anAbsentNeighbourLookedUpThenLearnedIsFound() {
        assertThat(cache.lookup(HOST)).isEqualTo(-1);
        cache.learn(HOST, 0x0200_0000_0001L, 0);
        assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0001L);
    }

    @Test
    void lookupsAlternatingBetweenNeighboursEachGetTheirOwn() {
        cache.learn(HOST, 0x0200_0000_0001L, 0);
        cache.learn(OTHER, 0x0200_0000_0002L, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0001L);
            assertThat(cache.lookup(OTHER)).isEqualTo(0x0200_0000_0002L);
        }
    }

    @Test
    void aForgottenOrClearedNeighbourIsGoneAlsoFromTheShortcut() {
        cache.learn(HOST, 0x0200_0000_0001L, 0);
        assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0001L);

        cache.tick(ArpCache.REACHABLE_NANOS + 1, drops);
        assertThat(cache.lookup(HOST)).as("stale, still used").isEqualTo(0x0200_0000_0001L);
        cache.tick(2 * ArpCache.REACHABLE_NANOS, drops);
        assertThat(cache.lookup(HOST)).isEqualTo(-1);
        assertThat(cache.knows(HOST)).isFalse();

        cache.learn(HOST, 0x0200_0000_0003L, 0);
        assertThat(cache.lookup(HOST)).isEqualTo(0x0200_0000_0003L);
        cache.clear();
        assertThat(cache.lookup(HOST)).isEqualTo(-1);
    }
}
