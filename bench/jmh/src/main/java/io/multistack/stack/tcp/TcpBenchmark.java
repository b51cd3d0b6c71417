package io.multistack.stack.tcp;

import io.multistack.bench.Defaults;
import io.multistack.bench.TcpPeer;
import io.multistack.bench.Tenant;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TCP through a whole tenant stack (frames in, frames out), on one established connection
 * with timestamps and SACK, the options Linux uses. One operation is one full data segment
 * (1448 bytes) and the virtual clock moves 1 µs per segment.
 * <ul>
 *   <li>{@link #receive}: an in-order segment from the host; the application reads it at once
 *       (its handler releases what it reads). Every {@code batch} segments the batch ends as
 *       the tenant's loop ends an inbox drain, and the ACKs the segments triggered leave: batch
 *       1 is a latency-bound exchange, 16 a bulk transfer whose frames queue up in the inbox.
 *   <li>{@link #send}: the application writes one segment's worth and flushes (one piece of
 *       work of the loop); the segment leaves; the host acknowledges every second segment, as
 *       a Linux receiver does, each ACK a batch of its own.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class TcpBenchmark {

    /**
     * Shared set-up: a tenant and one accepted connection from the host, new for every
     * iteration. The checks at the end of each connection's life fail the benchmark when it
     * left its steady state (drops, unexpected TCP events, another state).
     */
    public abstract static class Connected {
        Tenant tenant;
        TcpPeer peer;
        TcpConnection connection;
        long ops;
        private long opsBefore;
        private long framesBefore;
        private long allOps;
        private long allFrames;

        abstract void accepted(TcpConnection c);

        /** After each new connection. */
        void connected() {}

        @Setup(Level.Iteration)
        public void setUp() {
            tenant = new Tenant();
            peer = new TcpPeer(tenant, this::accepted);
            connection = peer.connection;
            opsBefore = ops;
            framesBefore = tenant.device.frames();
            connected();
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            Map<String, Long> tcpCounters = tenant.tcp.drops();
            Map<String, Long> drops = tenant.core.drops().snapshot();
            allOps += ops - opsBefore;
            allFrames += tenant.device.frames() - framesBefore;
            TcpState state = connection.state();
            peer.close();
            tenant.close();
            if (!drops.isEmpty() || !tcpCounters.isEmpty() || state != TcpState.ESTABLISHED) {
                throw new IllegalStateException("the connection left its steady state: " + state + ", tcp counters "
                        + tcpCounters + ", stack drops " + drops);
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.printf("%n  per segment: %.3f frames sent%n", (double) allFrames / Math.max(1, allOps));
        }
    }

    @State(Scope.Thread)
    public static class Receiving extends Connected {
        /** Segments per inbox drain. */
        @Param({"1", "16"})
        int batch;

        @Override
        void accepted(TcpConnection c) {
            c.handler(new ConnectionHandler() {
                @Override
                public void readable() {
                    ByteBuf data;
                    while ((data = c.read(Integer.MAX_VALUE)) != null) {
                        data.release();
                    }
                }
            });
        }
    }

    @State(Scope.Thread)
    public static class Sending extends Connected {
        ByteBuf data;
        int sent;

        @Override
        void accepted(TcpConnection c) {
            c.handler(new ConnectionHandler() { });
        }

        @Override
        void connected() {
            sent = Tenant.ISS + 1;
        }

        @Setup(Level.Iteration)
        public void allocateData() {
            data = PooledByteBufAllocator.DEFAULT.directBuffer(TcpPeer.MSS).writeZero(TcpPeer.MSS);
        }

        @TearDown(Level.Iteration)
        public void releaseData() {
            data.release();
        }
    }

    @Benchmark
    public void receive(Receiving s) {
        s.ops++;
        s.tenant.now += 1_000;
        s.tenant.receive(s.peer.nextData());
        if (s.ops % s.batch == 0) {
            s.tenant.endBatch();
        }
    }

    @Benchmark
    public void send(Sending s) {
        s.ops++;
        Tenant tenant = s.tenant;
        tenant.now += 1_000;
        s.connection.write(s.data, tenant.now);
        s.connection.flush(tenant.now);
        tenant.endBatch();
        s.sent += TcpPeer.MSS;
        if ((s.ops & 1) == 0) {
            tenant.receive(s.peer.ackUpTo(s.sent));
            tenant.endBatch();
        }
    }
}
