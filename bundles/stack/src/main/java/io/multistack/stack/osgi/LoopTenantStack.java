package io.multistack.stack.osgi;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.ArpEntry;
import io.multistack.api.stack.StackStatistics;
import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import io.multistack.stack.core.Clock;
import io.multistack.stack.core.StackCore;
import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A tenant stack confined to one event loop: every call hands its work to the loop, where
 * the {@link StackCore} runs single-threaded. Only immutable settings and counters are read
 * from other threads.
 */
final class LoopTenantStack implements TenantStack {
    /** Granularity of protocol timers (ARP retries, ping timeouts). */
    static final long TICK_MILLIS = 100;

    private final EventLoop loop;
    private final Clock clock;
    private final StackCore core;
    private volatile TenantSettings settings;
    private volatile String state = "created";
    private ScheduledFuture<?> ticker;

    LoopTenantStack(TenantSettings settings, EventLoop loop, Clock clock, StackCore core) {
        this.settings = settings;
        this.loop = loop;
        this.clock = clock;
        this.core = core;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public TenantSettings settings() {
        return settings;
    }

    @Override
    public void receive(ByteBuf frame) {
        if (!onLoop(() -> core.receive(frame, clock.nanoTime()))) {
            frame.release();
        }
    }

    @Override
    public void up(Device device) {
        onLoop(() -> {
            core.attach(device, clock.nanoTime());
            if (ticker == null) {
                ticker = loop.scheduleAtFixedRate(() -> core.tick(clock.nanoTime()),
                        TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
            state = "up";
        });
    }

    @Override
    public void reconfigure(TenantSettings next) {
        settings = next;
        onLoop(() -> core.reconfigure(next, clock.nanoTime()));
    }

    @Override
    public CompletionStage<Duration> ping(Inet4Address target, Duration timeout) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        int address = Ipv4Address.toInt(target);
        if (!onLoop(() -> core.ping(address, clock.nanoTime(), timeout.toNanos(), result))) {
            result.completeExceptionally(new IllegalStateException("the tenant stack is stopped"));
        }
        return result;
    }

    @Override
    public List<ArpEntry> arpTable() {
        CompletableFuture<List<ArpEntry>> table = new CompletableFuture<>();
        if (!onLoop(() -> table.complete(core.arpTable(clock.nanoTime())))) {
            return List.of();
        }
        return table.orTimeout(2, TimeUnit.SECONDS).join();
    }

    @Override
    public StackStatistics statistics() {
        return new StackStatistics(state, core.framesIn(), core.framesOut(), core.bytesIn(), core.bytesOut(),
                core.drops().snapshot());
    }

    @Override
    public void close() {
        if ("closed".equals(state)) {
            return;
        }
        state = "closed";
        try {
            loop.execute(() -> {
                if (ticker != null) {
                    ticker.cancel(false);
                }
                core.close();
            });
        } catch (RejectedExecutionException stopped) {
            // the loop is gone and with it every task that could touch the core
        }
    }

    /** Hands work to the loop; false when the loop no longer accepts work (shutting down). */
    private boolean onLoop(Runnable work) {
        if ("closed".equals(state)) {
            return false;
        }
        try {
            loop.execute(work);
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TenantStack[" + settings.name() + " vlan " + settings.vlan() + " " + settings.cidr() + "]";
    }
}
