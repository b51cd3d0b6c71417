package io.multistack.stack.link;

import io.multistack.api.flow.Device;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What sits between a tenant stack and its device: packet capture and fault injection,
 * both directions. Called on the tenant's loop for egress; ingress arrives on the link's
 * thread before the hand-off to the loop; capture and faults are switched from operator
 * threads.
 *
 * <p>The capture sees what the stack sees: frames it sends before faults act on them, and
 * frames it receives after. With nothing switched on, a frame costs one volatile read.
 */
public final class LinkTaps {
    private final Scheduler scheduler;
    private final LongSupplier wallClockNanos;
    /** Null while neither capture nor faults are on; replaced whole, never changed in place. */
    private final AtomicReference<Active> active = new AtomicReference<>();

    /** Delayed frames leave from the JDK's shared delayed executor. */
    public LinkTaps() {
        this(Scheduler.shared(), LinkTaps::wallClockNanos);
    }

    /**
     * @param scheduler where delayed and held-back frames leave from: pass the tenant's event
     *     loop, so that delayed egress frames reach the device on the thread that sent them
     */
    public LinkTaps(ScheduledExecutorService scheduler) {
        this(Scheduler.on(scheduler), LinkTaps::wallClockNanos);
    }

    LinkTaps(Scheduler scheduler, LongSupplier wallClockNanos) {
        this.scheduler = scheduler;
        this.wallClockNanos = wallClockNanos;
    }

    /** The faults of both directions, under one setting. */
    private record Faults(FaultSettings settings, FaultLane in, FaultLane out) {}

    /** What is switched on; at least one of the two. */
    private record Active(Faults faults, PcapCapture capture) {
        static Active of(Faults faults, PcapCapture capture) {
            return faults == null && capture == null ? null : new Active(faults, capture);
        }
    }

    /** Wraps the device the stack sends on. */
    public Device wrap(Device device) {
        return new TappedDevice(device);
    }

    /** Passes a received frame towards the stack (owning it, like every receiver). */
    public void ingress(ByteBuf frame, FrameReceiver next) {
        Active now = active.get();
        if (now == null) {
            next.receive(frame);
        } else if (now.faults() == null) {
            toStack(frame, next);
        } else {
            now.faults().in().process(frame, survivor -> toStack(survivor, next));
        }
    }

    /** The last step in: captured as delivered, which may be later than received (delay, reordering). */
    private void toStack(ByteBuf frame, FrameReceiver next) {
        Active now = active.get();
        if (now != null && now.capture() != null) {
            now.capture().record(frame);
        }
        next.receive(frame);
    }

    /**
     * Starts writing every frame in and out to a pcap file (created or truncated) until the
     * capture is closed or {@code duration} has passed. One capture at a time.
     */
    public Capture capture(Path file, Duration duration) throws IOException {
        PcapCapture running = capturing();
        if (running != null) {
            throw new IllegalStateException("a capture is already running into " + running.file());
        }
        PcapCapture capture = PcapCapture.start(file, duration, wallClockNanos, this::captureEnded);
        Active before = active.getAndUpdate(
                now -> now != null && now.capture() != null ? now : Active.of(faultsOf(now), capture));
        if (before != null && before.capture() != null) {
            capture.close();
            throw new IllegalStateException("a capture is already running into " + before.capture().file());
        }
        if (capture.isClosed()) {
            captureEnded(capture); // it ended before it was installed: its own removal came too early
        }
        return capture;
    }

    private void captureEnded(PcapCapture capture) {
        active.updateAndGet(now -> now != null && now.capture() == capture ? Active.of(now.faults(), null) : now);
    }

    /** The running capture, or null. */
    PcapCapture capturing() {
        Active now = active.get();
        return now == null ? null : now.capture();
    }

    /** Switches to new fault settings, or off with {@link FaultSettings#NONE}; counting starts again. */
    public void faults(FaultSettings settings) {
        Faults faults = null;
        if (!settings.isNone()) {
            // one seed drives both directions, each with its own reproducible sequence
            SplittableRandom seeded = new SplittableRandom(settings.seed());
            faults = new Faults(settings, new FaultLane(settings, seeded.split(), scheduler),
                    new FaultLane(settings, seeded.split(), scheduler));
        }
        Faults next = faults;
        active.updateAndGet(now -> Active.of(next, now == null ? null : now.capture()));
        // frames the old lanes hold back leave on their own within FaultLane.HOLD_LIMIT_NANOS
    }

    /** The fault settings in force ({@link FaultSettings#NONE} when off). */
    public FaultSettings faultSettings() {
        Faults faults = faultsOf(active.get());
        return faults == null ? FaultSettings.NONE : faults.settings();
    }

    /**
     * What the faults in force have done, as counters named {@code faults.DIRECTION.WHAT}
     * (direction {@code in} or {@code out}; what: dropped, duplicated, reordered, corrupted,
     * delayed). Empty when faults are off.
     */
    public Map<String, Long> faultCounters() {
        Faults faults = faultsOf(active.get());
        Map<String, Long> counters = new LinkedHashMap<>();
        if (faults != null) {
            put(counters, "in", faults.in().counts());
            put(counters, "out", faults.out().counts());
        }
        return counters;
    }

    /** Ends the capture and the faults (frames held back are released); for a stack that closes. */
    public void close() {
        Active last = active.getAndSet(null);
        if (last == null) {
            return;
        }
        if (last.faults() != null) {
            last.faults().in().close();
            last.faults().out().close();
        }
        if (last.capture() != null) {
            last.capture().close();
        }
    }

    private static Faults faultsOf(Active active) {
        return active == null ? null : active.faults();
    }

    private static void put(Map<String, Long> counters, String direction, FaultCounts counts) {
        String prefix = "faults." + direction + ".";
        counters.put(prefix + "dropped", counts.dropped());
        counters.put(prefix + "duplicated", counts.duplicated());
        counters.put(prefix + "reordered", counts.reordered());
        counters.put(prefix + "corrupted", counts.corrupted());
        counters.put(prefix + "delayed", counts.delayed());
    }

    private static long wallClockNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The device as the stack sees it: frames go through capture, then faults, then out. */
    private final class TappedDevice implements Device {
        private final Device device;
        private final FrameReceiver transmitter;

        TappedDevice(Device device) {
            this.device = device;
            this.transmitter = device::transmit;
        }

        @Override
        public String link() {
            return device.link();
        }

        @Override
        public int vlan() {
            return device.vlan();
        }

        @Override
        public int mtu() {
            return device.mtu();
        }

        @Override
        public void transmit(ByteBuf frame) {
            Active now = active.get();
            if (now == null) {
                device.transmit(frame);
                return;
            }
            if (now.capture() != null) {
                now.capture().record(frame);
            }
            if (now.faults() == null) {
                device.transmit(frame);
            } else {
                now.faults().out().process(frame, transmitter);
            }
        }

        @Override
        public void close() {
            device.close();
        }

        @Override
        public String toString() {
            return "tapped " + device;
        }
    }
}
