package io.multistack.demux;

import io.multistack.api.flow.Device;
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
 * The lower mapping: a tagged frame from the trunk reaches its VLAN's stack untagged
 * ({@link #receive}), an untagged frame from a stack leaves tagged ({@link #transmit}).
 * Full-size frames.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class VlanDemuxBenchmark {
    private final Sink trunk = new Sink();
    private final Sink stack = new Sink();
    private VlanDemux demux;
    private Device port;
    private FrameSource tagged;
    private FrameSource untagged;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        demux = new VlanDemux(trunk);
        port = demux.attach(Net.VLAN, "A", stack);
        byte[] frame = Packets.hostToTenant(Ipv4.PROTOCOL_UDP,
                Packets.udp(Net.HOST_IP, Net.TENANT_IP, 40000, 53, Packets.pattern(1472)));
        tagged = new FrameSource(Packets.tagged(frame, Net.VLAN), 8);
        untagged = new FrameSource(frame, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tagged.close();
        untagged.close();
        port.close();
        if (trunk.frames() == 0 && stack.frames() == 0) {
            throw new IllegalStateException("no frame passed the demux");
        }
    }

    long stackFrames() {
        return stack.frames();
    }

    long trunkFrames() {
        return trunk.frames();
    }

    @Benchmark
    public void receive() {
        demux.receive(tagged.next());
    }

    @Benchmark
    public void transmit() {
        port.transmit(untagged.next());
    }
}
