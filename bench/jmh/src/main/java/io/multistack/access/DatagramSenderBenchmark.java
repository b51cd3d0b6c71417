package io.multistack.access;

import io.multistack.bench.Defaults;
import io.multistack.bench.Net;
import io.multistack.bench.Packets;
import io.multistack.wire.Ipv4;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The endpoint's own send path over loopback: the benchmark thread offers a burst of
 * {@link #BURST} VXLAN datagrams (1514-byte frames inside, pooled direct buffers as a
 * tenant's) to a {@link SiteSender} whose socket is written by {@link DatagramSender}
 * ({@code sendmmsg} through FFM) on its own epoll loop, then reads all of them from a plain
 * socket playing the site. One operation is one datagram. With {@code segmenting} the
 * burst is one GSO message (the kernel has UDP GSO here), without it 16 messages of one
 * {@code sendmmsg}. The time includes the loop's wake-up and both sides' system calls; the
 * bytes (JMH's {@code -prof gc} counts every thread) include the site's reads, which
 * allocate nothing (a connected channel's {@code read}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {Defaults.NATIVE_ACCESS, Defaults.UNSAFE, Defaults.EXECUTOR,
        Defaults.EVENT_LOOP_THREADS, Defaults.NO_LEAK_DETECTION})
public class DatagramSenderBenchmark {
    static final int BURST = 16;

    @Param({"false", "true"})
    public boolean segmenting;

    private MultiThreadIoEventLoopGroup group;
    private Channel endpoint;
    private EndpointSocket socket;
    private SiteSender sender;
    private DatagramChannel site;
    private InetSocketAddress siteAddress;
    private byte[] datagram;
    private final ByteBuffer in = ByteBuffer.allocateDirect(2048);
    private long received;
    private long sendErrors;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, UdpTransport.ioHandlerFactory(true));
        endpoint = UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(true)), true)
                .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        socket = EndpointSocket.open(endpoint, ((io.netty.channel.unix.UnixChannel) endpoint).fd().intValue(),
                new SiteDatagrams() {
                    @Override
                    public void fromSite(int remote, ByteBuf payload) {
                        payload.release();
                    }

                    @Override
                    public void truncated(ByteBuf payload) {
                        payload.release();
                    }
                }, segmenting && UdpTransport.segmenter(true) != null, errno -> sendErrors++);
        sender = new SiteSender(endpoint.eventLoop(), SiteSender.CAPACITY, null);
        sender.socket(socket.sender());
        site = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        site.connect(endpoint.localAddress());
        siteAddress = (InetSocketAddress) site.getLocalAddress();
        byte[] frame = Packets.hostToTenant(Ipv4.PROTOCOL_UDP,
                Packets.udp(Net.HOST_IP, Net.TENANT_IP, 40000, 53, Packets.pattern(1472)));
        datagram = Packets.vxlan(Net.VNI, frame);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sender.channel(null);
        socket.close();
        endpoint.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        site.close();
        if (sendErrors != 0 || sender.overflowDrops() != 0 || sender.unsentDrops() != 0) {
            throw new IllegalStateException(sendErrors + " send errors, " + sender.overflowDrops() + " dropped, "
                    + sender.unsentDrops() + " unsent");
        }
    }

    long received() {
        return received;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void burst() throws IOException {
        for (int i = 0; i < BURST; i++) {
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(datagram.length).writeBytes(datagram);
            if (!sender.send(packet, siteAddress)) {
                throw new IllegalStateException("the ring is full");
            }
        }
        for (int i = 0; i < BURST; i++) {
            in.clear();
            if (site.read(in) != datagram.length) { // blocks; a lost datagram would hang: the site's buffer holds 16
                throw new IllegalStateException("datagram of " + in.position() + " bytes");
            }
            received++;
        }
    }
}
