package io.multistack.access;

import io.multistack.bench.Defaults;
import io.multistack.bench.Net;
import io.multistack.bench.Packets;
import io.multistack.wire.Ipv4;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The endpoint's own receive path over loopback: the benchmark thread sends a burst of
 * {@link #BURST} VXLAN datagrams (1514-byte frames inside) from a plain socket and waits
 * until {@link DatagramReceiver}, on its own epoll loop, has handed all of them on (to a
 * sink that releases them). One operation is one datagram. The time includes both sides'
 * system calls and the loop's wake-up; the bytes (JMH's {@code -prof gc} counts every
 * thread) include the sender's, which allocates nothing per send either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class DatagramReceiverBenchmark {
    static final int BURST = 16;

    private MultiThreadIoEventLoopGroup group;
    private Channel endpoint;
    private EndpointSocket receiver;
    private DatagramChannel site;
    private ByteBuffer packet;
    private final AtomicLong handedOn = new AtomicLong();
    private long sent;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, UdpTransport.ioHandlerFactory(true));
        endpoint = UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(true)), true)
                .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        receiver = UdpTransport.open(endpoint, new SiteDatagrams() {
            @Override
            public void fromSite(int remote, ByteBuf payload) {
                payload.release();
                handedOn.lazySet(handedOn.get() + 1); // only the loop writes it
            }

            @Override
            public void truncated(ByteBuf payload) {
                payload.release();
            }
        }, errno -> {});
        site = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        site.connect(endpoint.localAddress());
        byte[] frame = Packets.hostToTenant(Ipv4.PROTOCOL_UDP,
                Packets.udp(Net.HOST_IP, Net.TENANT_IP, 40000, 53, Packets.pattern(1472)));
        byte[] datagram = Packets.vxlan(Net.VNI, frame);
        packet = ByteBuffer.allocateDirect(datagram.length).put(datagram).flip();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        receiver.close();
        endpoint.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        site.close();
        if (handedOn.get() != sent) {
            throw new IllegalStateException("sent " + sent + " datagrams, " + handedOn.get() + " handed on");
        }
    }

    long handedOn() {
        return handedOn.get();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst() throws IOException {
        for (int i = 0; i < BURST; i++) {
            site.write(packet.rewind());
        }
        sent += BURST;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (handedOn.get() < sent) {
            if (System.nanoTime() > deadline) { // a lost datagram: no steady state to measure
                throw new IllegalStateException("sent " + sent + " datagrams, " + handedOn.get() + " handed on");
            }
            Thread.onSpinWait();
        }
    }
}
