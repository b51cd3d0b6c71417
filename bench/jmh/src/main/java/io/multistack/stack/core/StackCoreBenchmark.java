package io.multistack.stack.core;

import io.multistack.bench.Defaults;
import io.multistack.bench.FrameSource;
import io.multistack.bench.Net;
import io.multistack.bench.Packets;
import io.multistack.bench.Tenant;
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
 * IPv4 receive in a tenant stack: Ethernet, IPv4, then UDP to a bound port
 * ({@link #udpReceive}, a 64-byte datagram, the size of a DNS query) or an ICMP echo request
 * answered with its reply ({@link #icmpEcho}, 56 bytes of data, as ping sends).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class StackCoreBenchmark {
    static final int UDP_PORT = 53;

    private Tenant tenant;
    private FrameSource udp;
    private FrameSource echo;
    private long datagrams;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() {
        tenant = new Tenant();
        tenant.core.udp().bind(UDP_PORT, (sourceIp, sourcePort, destinationIp, destinationPort, payload, now) -> {
            datagrams++;
            payload.release();
        });
        udp = new FrameSource(Packets.hostToTenant(Ipv4.PROTOCOL_UDP,
                Packets.udp(Net.HOST_IP, Net.TENANT_IP, 40000, UDP_PORT, Packets.pattern(64))), 64);
        echo = new FrameSource(Packets.hostToTenant(Ipv4.PROTOCOL_ICMP,
                Packets.icmpEchoRequest(0x1234, 1, Packets.pattern(56))), 64);
    }

    /** ARP entries expire after 60 s of virtual time: refresh before each iteration. */
    @Setup(Level.Iteration)
    public void refreshNeighbour() {
        tenant.learnHost();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        var drops = tenant.core.drops().snapshot();
        tenant.close();
        udp.close();
        echo.close();
        if (!drops.isEmpty()) {
            throw new IllegalStateException("the stack dropped frames: " + drops);
        }
        System.out.printf("%n  per frame: %.2f datagrams delivered, %.2f frames sent%n",
                (double) datagrams / ops, (double) tenant.device.frames() / ops);
    }

    long datagramsDelivered() {
        return datagrams;
    }

    long framesSent() {
        return tenant.device.frames();
    }

    @Benchmark
    public void udpReceive() {
        ops++;
        tenant.now += 1_000;
        tenant.receive(udp.next());
    }

    @Benchmark
    public void icmpEcho() {
        ops++;
        tenant.now += 1_000;
        tenant.receive(echo.next());
    }
}
