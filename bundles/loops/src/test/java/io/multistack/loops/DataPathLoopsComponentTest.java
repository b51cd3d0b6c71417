package io.multistack.loops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multistack.api.loop.DataPathLoops;
import io.multistack.api.stack.MacAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @Test
    void busyPollingIsOffUnlessConfigured() {
        assertThat(DataPathLoopsComponent.busyPollOf(Map.of())).isFalse();
        assertThat(DataPathLoopsComponent.busyPollOf(Map.of("busyPoll", "true"))).isTrue();
        assertThat(DataPathLoopsComponent.busyPollOf(Map.of("busyPoll", true))).isTrue();
        assertThat(DataPathLoopsComponent.busyPollOf(Map.of("busyPoll", "off"))).isFalse();
        // a word that is no flag: rejected, and the loops sleep as by default
        assertThat(DataPathLoopsComponent.busyPollOf(Map.of("busyPoll", "always"))).isFalse();
        for (boolean wanted : new boolean[] {false, true}) {
            DataPathLoopsComponent loops = new DataPathLoopsComponent(Map.of("threads", "1", "busyPoll", "" + wanted));
            try {
                assertThat(loops.busyPolling()).isEqualTo(wanted);
            } finally {
                loops.deactivate();
            }
        }
    }

    @Test
    void busyPollingOnEveryProcessorIsWarnedAbout() {
        assertThat(DataPathLoopsComponent.leavesNoProcessor(1, 2)).isFalse();
        assertThat(DataPathLoopsComponent.leavesNoProcessor(2, 2)).isTrue();
        assertThat(DataPathLoopsComponent.leavesNoProcessor(4, 2)).isTrue();
    }

    /**
     * A busy-polling loop still does everything a sleeping one does (runs tasks, fires timers,
     * reads a socket in its epoll set or selector), but keeps its thread on a processor while
     * idle, where a sleeping loop uses next to none.
     */
    @ParameterizedTest(name = "native epoll {0}")
    @ValueSource(booleans = {false, true})
    void aBusyPollingLoopDoesItsWorkWithoutEverSleeping(boolean epoll) throws Exception {
        assumeTrue(!epoll || io.netty.channel.epoll.Epoll.isAvailable(), "native epoll not available here");
        DataPathLoopsComponent busy = new DataPathLoopsComponent(1, epoll, true);
        DataPathLoopsComponent sleeping = new DataPathLoopsComponent(1, epoll, false);
        try {
            EventLoop loop = busy.loops().get(0);
            assertThat(loop.submit(() -> "ran").get(5, TimeUnit.SECONDS)).isEqualTo("ran");
            long scheduledAt = System.nanoTime();
            long firedAt = loop.schedule(System::nanoTime, 50, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
            assertThat(firedAt - scheduledAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(received(loop, epoll)).isEqualTo("hello, loop");

            long busyCpu = idleCpuNanos(busy.loops().get(0));
            long sleepingCpu = idleCpuNanos(sleeping.loops().get(0));
            // 300 ms of nothing to do: the busy loop stays on its processor (scheduler permitting), the other sleeps
            assertThat(busyCpu).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(60));
            assertThat(sleepingCpu).isLessThan(TimeUnit.MILLISECONDS.toNanos(30));
        } finally {
            busy.deactivate();
            sleeping.deactivate();
        }
    }

    /** A datagram sent to a channel bound on {@code loop}, as its handler read it. */
    private static String received(EventLoop loop, boolean epoll) throws Exception {
        CompletableFuture<String> text = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(loop)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext context, DatagramPacket packet) {
                        text.complete(packet.content().toString(StandardCharsets.US_ASCII));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        try (DatagramSocket sender = new DatagramSocket()) {
            byte[] payload = "hello, loop".getBytes(StandardCharsets.US_ASCII);
            sender.send(new java.net.DatagramPacket(payload, payload.length, channel.localAddress()));
            return text.get(5, TimeUnit.SECONDS);
        } finally {
            channel.close().sync();
        }
    }

    /** CPU time of the loop's thread over 300 ms in which it is given nothing to do. */
    private static long idleCpuNanos(EventLoop loop) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long id = loop.submit(() -> Thread.currentThread().threadId()).get(5, TimeUnit.SECONDS);
        long before = threads.getThreadCpuTime(id);
        Thread.sleep(300);
        return threads.getThreadCpuTime(id) - before;
    }
}
