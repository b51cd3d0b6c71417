package io.multistack.stack.osgi;

import io.multistack.api.flow.Device;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.stack.ArpEntry;
import io.multistack.api.stack.Capture;
import io.multistack.api.stack.ConnectionInfo;
import io.multistack.api.stack.FaultSettings;
import io.multistack.api.stack.StackStatistics;
import io.multistack.api.stack.TenantSettings;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantTransport;
import io.multistack.stack.core.Clock;
import io.multistack.stack.core.StackCore;
import io.multistack.stack.link.LinkTaps;
import io.multistack.stack.transport.StackContext;
import io.multistack.stack.transport.TcpBinding;
import io.multistack.stack.transport.TenantTransportImpl;
import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A tenant stack confined to one event loop: every call hands its work to the loop, where
 * the {@link StackCore} runs single-threaded. Only immutable settings and counters are read
 * from other threads. Housekeeping (ARP, pings, reassembly) ticks every 100 ms only while the
 * core has some, so an idle tenant has no timer at all; TCP deadlines are scheduled exactly.
 * Both are re-armed after each piece of work.
 */
final class LoopTenantStack implements TenantStack, StackContext {
    /** Granularity of housekeeping timers (ARP retries, ping timeouts, reassembly). */
    static final long TICK_MILLIS = 100;

    private final EventLoop loop;
    private final Clock clock;
    private final StackCore core;
    private final LinkTaps taps;
    private final TenantTransport transport;
    private final TcpBinding tcp;
    private final FrameInbox inbox;
    private final FrameReceiver toInbox;
    private volatile TenantSettings settings;
    private volatile String state = "created";
    private ScheduledFuture<?> housekeeping;
    private ScheduledFuture<?> tcpTimer;
    private long tcpTimerAt = Long.MAX_VALUE;

    LoopTenantStack(TenantSettings settings, EventLoop loop, Clock clock, StackCore core, TcpBinding tcp,
            LinkTaps taps) {
        this.settings = settings;
        this.loop = loop;
        this.clock = clock;
        this.core = core;
        this.tcp = tcp;
        this.taps = taps;
        this.transport = new TenantTransportImpl(this);
        this.inbox = new FrameInbox(loop, loop::inEventLoop, frame -> core.receive(frame, clock.nanoTime()),
                this::afterFrames);
        this.toInbox = this::receiveOnLoop;
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
        taps.ingress(frame, toInbox);
    }

    private void receiveOnLoop(ByteBuf frame) {
        if ("closed".equals(state)) {
            frame.release();
            return;
        }
        inbox.offer(frame);
    }

    @Override
    public void up(Device device) {
        onLoop(() -> {
            core.attach(taps.wrap(device), clock.nanoTime());
            state = "up";
            afterWork();
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
        if (!onLoop(() -> {
            core.ping(address, clock.nanoTime(), timeout.toNanos(), result);
            afterWork();
        })) {
            result.completeExceptionally(new IllegalStateException("the tenant stack is stopped"));
        }
        return result;
    }

    @Override
    public List<ArpEntry> arpTable() {
        return query(() -> core.arpTable(clock.nanoTime()), List.of());
    }

    @Override
    public TenantTransport transport() {
        return transport;
    }

    @Override
    public List<ConnectionInfo> connections() {
        return query(() -> core.connections(clock.nanoTime()), List.of());
    }

    @Override
    public Capture capture(Path file, Duration duration) throws IOException {
        return taps.capture(file, duration);
    }

    @Override
    public void faults(FaultSettings faults) {
        taps.faults(faults);
    }

    @Override
    public FaultSettings faultSettings() {
        return taps.faultSettings();
    }

    @Override
    public StackStatistics statistics() {
        Map<String, Long> counters = new TreeMap<>(core.drops().snapshot());
        counters.putAll(taps.faultCounters());
        long overflow = inbox.overflow();
        if (overflow > 0) {
            counters.put("stack.inbox-full", overflow);
        }
        return new StackStatistics(state, core.framesIn(), core.framesOut(), core.bytesIn(), core.bytesOut(),
                counters);
    }

    @Override
    public void close() {
        if ("closed".equals(state)) {
            return;
        }
        state = "closed";
        taps.close();
        try {
            loop.execute(() -> {
                if (housekeeping != null) {
                    housekeeping.cancel(false);
                }
                if (tcpTimer != null) {
                    tcpTimer.cancel(false);
                }
                core.close(clock.nanoTime());
            });
        } catch (RejectedExecutionException stopped) {
            // the loop is gone and with it every task that could touch the core
        }
    }

    // ---- StackContext, for the tenant's channels ----

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public long now() {
        return clock.nanoTime();
    }

    @Override
    public StackCore core() {
        return core;
    }

    @Override
    public TcpBinding tcp() {
        return tcp;
    }

    /** Arms the timers the core needs now: housekeeping while it has some, TCP at its earliest deadline. */
    @Override
    public void afterWork() {
        if ("closed".equals(state)) {
            return;
        }
        armHousekeeping();
        armTcpTimer();
    }

    /** After a batch of received frames: as {@link #afterWork}, TCP's timer only if the frames reached TCP. */
    private void afterFrames() {
        if ("closed".equals(state)) {
            return;
        }
        armHousekeeping();
        if (core.takeTcpActivity()) {
            armTcpTimer();
        }
    }

    private void armHousekeeping() {
        if (housekeeping == null && core.needsTick()) {
            housekeeping = loop.scheduleAtFixedRate(this::housekeep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void housekeep() {
        core.tick(clock.nanoTime());
        if (!core.needsTick()) {
            housekeeping.cancel(false);
            housekeeping = null;
        }
        afterWork();
    }

    /** Arms the TCP timer for the engine's earliest deadline, if that is sooner than the one armed. */
    private void armTcpTimer() {
        long deadline = core.nextTcpDeadline();
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        if (tcpTimer != null && !tcpTimer.isDone() && tcpTimerAt - deadline <= 0) {
            return;
        }
        if (tcpTimer != null) {
            tcpTimer.cancel(false);
        }
        tcpTimerAt = deadline;
        long delay = Math.max(0, deadline - clock.nanoTime());
        tcpTimer = loop.schedule(() -> {
            tcpTimerAt = Long.MAX_VALUE;
            core.tick(clock.nanoTime());
            afterWork();
        }, delay, TimeUnit.NANOSECONDS);
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

    /** Runs a read-only query on the loop and waits for it (operator commands only). */
    private <T> T query(Supplier<T> question, T whenStopped) {
        if (loop.inEventLoop()) {
            return question.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!onLoop(() -> answer.complete(question.get()))) {
            return whenStopped;
        }
        return answer.orTimeout(2, TimeUnit.SECONDS).join();
    }

    @Override
    public String toString() {
        return "TenantStack[" + settings.name() + " vlan " + settings.vlan() + " " + settings.cidr() + "]";
    }
}
