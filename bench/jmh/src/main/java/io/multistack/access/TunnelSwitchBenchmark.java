package io.multistack.access;

import io.multistack.bench.Defaults;
import io.multistack.bench.FrameSource;
import io.multistack.bench.Net;
import io.multistack.bench.Packets;
import io.multistack.bench.Sink;
import io.multistack.wire.Ipv4;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The access server's data path without its socket: one VXLAN packet from a site becomes a
 * tagged frame on the trunk ({@link #fromSite}), one tagged frame from the trunk becomes a
 * VXLAN packet to the site ({@link #toSite}). Full-size frames (1514 bytes inside).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class TunnelSwitchBenchmark {
    private TunnelSwitch tunnels;
    private final Sink trunk = new Sink();
    private final Sink underlay = new Sink();
    private FrameSource fromSite;
    private FrameSource fromTrunk;

    @Setup(Level.Trial)
    public void setUp() {
        TunnelTable table = new TunnelTable();
        table.put(new Tunnel("site-a", Net.SITE, Net.VNI, Net.VLAN));
        tunnels = new TunnelSwitch(table, underlay::send);
        tunnels.trunk(trunk);
        byte[] frame = Packets.hostToTenant(Ipv4.PROTOCOL_UDP,
                Packets.udp(Net.HOST_IP, Net.TENANT_IP, 40000, 53, Packets.pattern(1472)));
        // a datagram's payload starts the buffer: the VXLAN header leaves room for the tag
        fromSite = new FrameSource(Packets.vxlan(Net.VNI, frame), 0);
        // stack frames carry headroom, so the tag and the VXLAN header go in place
        fromTrunk = new FrameSource(Packets.tagged(frame, Net.VLAN), 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fromSite.close();
        fromTrunk.close();
        if (trunk.frames() == 0 && underlay.frames() == 0) {
            throw new IllegalStateException("no frame passed the tunnel switch");
        }
    }

    long trunkFrames() {
        return trunk.frames();
    }

    long underlayPackets() {
        return underlay.frames();
    }

    @Benchmark
    public void fromSite() {
        tunnels.fromSite(Net.SITE, fromSite.next());
    }

    @Benchmark
    public void toSite() {
        tunnels.receive(fromTrunk.next());
    }
}
