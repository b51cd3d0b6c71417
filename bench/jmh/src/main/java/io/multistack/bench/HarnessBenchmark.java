package io.multistack.bench;

import io.netty.buffer.ByteBuf;
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
 * What the other benchmarks pay before the code under test runs: a received frame made from
 * a template (pooled buffer, copy) and released. Subtract these from their figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class HarnessBenchmark {
    private FrameSource small;
    private FrameSource full;
    private Tenant tenant;
    private TcpPeer peer;

    @Setup(Level.Trial)
    public void setUp() {
        small = new FrameSource(new byte[98], 64);
        full = new FrameSource(new byte[1522], 64);
        tenant = new Tenant();
        peer = new TcpPeer(tenant, c -> { });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        small.close();
        full.close();
        peer.close();
        tenant.close();
    }

    /** A 98-byte frame (ping, small UDP). */
    @Benchmark
    public void frame98() {
        small.next().release();
    }

    /** A full-size frame (1522 bytes: VXLAN payload of a 1514-byte frame). */
    @Benchmark
    public void frame1522() {
        full.next().release();
    }

    /** A full TCP data segment from the peer's template: copy plus sequence, timestamps, checksum. */
    @Benchmark
    public void tcpSegment() {
        tenant.now += 1_000;
        peer.nextData().release();
    }
}
