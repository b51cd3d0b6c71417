package io.multistack.stack.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import io.multistack.stack.core.StackCore;
import io.multistack.stack.link.LinkTaps;
import io.multistack.stack.transport.TcpBinding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An idle tenant has no timer on its loop; housekeeping runs only while there is some to do. */
class LoopTenantStackTest {
    /** Its event loop runs tasks and timers only when the test says so, on frozen time. */
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private long now;
    private int sent;
    private final LoopTenantStack stack;

    LoopTenantStackTest() throws Exception {
        loop.freezeTime();
        TenantSettings settings = new TenantSettings("A", 600, (Inet4Address) InetAddress.getByName("192.168.1.1"), 24,
                Optional.empty(), MacAddress.forVlan(600), List.of());
        StackCore core = new StackCore(settings, UnpooledByteBufAllocator.DEFAULT, 1);
        stack = new LoopTenantStack(settings, loop.eventLoop(), () -> now, core, new TcpBinding(core),
                new LinkTaps(loop.eventLoop()));
    }

    @AfterEach
    void close() {
        stack.close();
        loop.runPendingTasks();
        loop.finishAndReleaseAll();
    }

    @Test
    void a_tenant_that_is_up_and_idle_has_no_timer() {
        stack.up(device());
        loop.runPendingTasks();
        assertThat(sent).as("the announcement").isEqualTo(1);
        assertThat(timerArmed()).isFalse();
    }

    @Test
    void housekeeping_runs_while_a_neighbour_is_resolved_and_stops_when_it_gave_up() throws Exception {
        stack.up(device());
        loop.runPendingTasks();
        CompletionStage<Duration> ping = stack.ping((Inet4Address) InetAddress.getByName("192.168.1.10"),
                Duration.ofSeconds(1));
        loop.runPendingTasks();
        assertThat(timerArmed()).as("ARP retries and the ping's timeout need ticks").isTrue();

        for (int step = 0; step < 50; step++) {
            advance(LoopTenantStack.TICK_MILLIS);
        }
        assertThat(ping.toCompletableFuture()).isCompletedExceptionally();
        assertThat(sent).as("announcement and three ARP requests").isEqualTo(4);
        assertThat(timerArmed()).as("nothing left to tick").isFalse();
    }

    /** Whether a timer is scheduled on the loop (running those due now, at frozen time none are). */
    private boolean timerArmed() {
        return loop.runScheduledPendingTasks() >= 0;
    }

    private void advance(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        loop.runPendingTasks();
    }

    private Device device() {
        return new Device() {
            @Override
            public String link() {
                return "test";
            }

            @Override
            public int vlan() {
                return 600;
            }

            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(ByteBuf frame) {
                sent++;
                frame.release();
            }

            @Override
            public void close() {}
        };
    }
}
