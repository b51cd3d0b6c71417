package io.multistack.loops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multistack.api.loop.DataPathLoops;
import io.multistack.api.stack.MacAddress;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.nio.NioIoHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DataPathLoopsComponentTest {
    @Test
    void oneLoopPerProcessorUnlessConfigured() {
        assertThat(DataPathLoopsComponent.threadsOf(Map.of()))
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(DataPathLoopsComponent.threadsOf(Map.of("threads", "3"))).isEqualTo(3);
        assertThat(DataPathLoopsComponent.threadsOf(Map.of("threads", 1))).isEqualTo(1);
    }

    @Test
    void aBadThreadCountFallsBackToTheDefault() {
        int fallback = Runtime.getRuntime().availableProcessors();
        assertThat(DataPathLoopsComponent.threadsOf(Map.of("threads", "0"))).isEqualTo(fallback);
        assertThat(DataPathLoopsComponent.threadsOf(Map.of("threads", "many"))).isEqualTo(fallback);
        assertThat(DataPathLoopsComponent.threadsOf(Map.of("threads", "257"))).isEqualTo(fallback);
    }

    @Test
    void tenantsAreSpreadByTheirMacOverDistinctThreads() throws Exception {
        DataPathLoopsComponent loops = new DataPathLoopsComponent(3, false);
        try {
            List<EventLoop> picked = new ArrayList<>();
            for (int vlan = 600; vlan < 606; vlan++) {
                picked.add(loops.loopFor(MacAddress.forVlan(vlan)));
            }
            // consecutive VLANs' MACs differ in the last byte: they take the loops in turn
            assertThat(picked).containsExactlyInAnyOrder(loops.loops().get(0), loops.loops().get(1),
                    loops.loops().get(2), loops.loops().get(0), loops.loops().get(1), loops.loops().get(2));
            // the rule a socket filter computes: last four bytes, unsigned, modulo the loops
            assertThat(DataPathLoops.loopIndex(0x02_00_ff_ff_ff_ffL, 3)).isEqualTo((int) (0xffff_ffffL % 3));
            assertThat(loops.loopFor(MacAddress.parse("02:00:00:00:00:05"))).isSameAs(loops.loops().get(2));
            List<Thread> threads = new ArrayList<>();
            for (EventLoop loop : loops.loops()) {
                threads.add(loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS));
            }
            assertThat(threads).doesNotHaveDuplicates();
            assertThat(threads).allSatisfy(thread -> assertThat(thread.getName()).startsWith("multistack-loop"));
        } finally {
            loops.deactivate();
        }
        assertThat(loops.loops()).allSatisfy(loop -> assertThat(loop.isShutdown()).isTrue());
    }

    @Test
    void theLoopsTakeEpollChannelsWhenEpollIsThereAndNioOnesOtherwise() {
        DataPathLoopsComponent nio = new DataPathLoopsComponent(1, false);
        try {
            assertThat(nio.nativeEpoll()).isFalse();
            assertThat(((IoEventLoop) nio.loops().get(0)).isCompatible(NioIoHandle.class)).isTrue();
        } finally {
            nio.deactivate();
        }
        assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "native epoll not available here");
        DataPathLoopsComponent epoll = new DataPathLoopsComponent(Map.of());
        try {
            assertThat(epoll.nativeEpoll()).isTrue();
            assertThat(((IoEventLoop) epoll.loops().get(0)).isCompatible(EpollIoHandle.class)).isTrue();
        } finally {
            epoll.deactivate();
        }
    }
}
