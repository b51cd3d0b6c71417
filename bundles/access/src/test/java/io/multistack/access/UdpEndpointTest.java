package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The endpoint's socket as configured for production, on loopback, against a plain JDK
 * socket playing the site: batched reads (recvmmsg with epoll) deliver every datagram
 * intact and show cut ones as full slots; the sender delivers every packet from several
 * threads, in each thread's order, with sendmmsg and GSO where the kernel has them.
 */
@ExtendWith(LeakCheck.class)
class UdpEndpointTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private MultiThreadIoEventLoopGroup group;
    private Channel endpoint;
    private DatagramChannel site;
    private final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> refCounts = Collections.synchronizedList(new ArrayList<>());

    private void open(boolean epoll) throws Exception {
        assumeTrue(!epoll || UdpTransport.epoll(), "native epoll not available here");
        group = new MultiThreadIoEventLoopGroup(1, UdpTransport.ioHandlerFactory(epoll));
        endpoint = UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(epoll)), epoll)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        byte[] bytes = new byte[packet.content().readableBytes()];
                        packet.content().getBytes(packet.content().readerIndex(), bytes);
                        received.add(bytes);
                        refCounts.add(packet.content().refCnt());
                    }
                }).bind(LOOPBACK).sync().channel();
        site = DatagramChannel.open().setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20).bind(LOOPBACK);
    }

    @AfterEach
    void close() throws IOException {
        if (endpoint != null) {
            endpoint.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (site != null) {
            site.close();
        }
    }

    private static byte[] datagram(int id, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        bytes.putInt(id);
        while (bytes.hasRemaining()) {
            bytes.put((byte) (id + bytes.position()));
        }
        return bytes.array();
    }

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void everyDatagramFromASiteArrivesIntactAndACutOneFillsItsSlot(boolean epoll) throws Exception {
        open(epoll);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(datagram(i, 60 + (i * 37) % 1500));
        }
        sent.add(datagram(300, UdpTransport.MAX_DATAGRAM - 1));
        for (byte[] bytes : sent) {
            site.send(ByteBuffer.wrap(bytes), endpoint.localAddress());
        }
        site.send(ByteBuffer.wrap(datagram(301, 3000)), endpoint.localAddress());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < sent.size() + 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(received).hasSize(sent.size() + 1);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(received.get(i)).as("datagram %d", i).isEqualTo(sent.get(i));
        }
        assertThat(received.get(sent.size())).as("cut by the kernel: fills the slot").hasSize(UdpTransport.MAX_DATAGRAM);
        // a datagram of a batched read is its own sole holder, so the trunk tags it in place
        assertThat(refCounts).containsOnly(1);
    }

    @ParameterizedTest(name = "epoll={0}")
    @ValueSource(booleans = {true, false})
    void packetsFromSeveralThreadsReachTheSiteInEachThreadsOrder(boolean epoll) throws Exception {
        open(epoll);
        SiteSender sender = new SiteSender(endpoint.eventLoop(), 4096, UdpTransport.segmenter(epoll));
        sender.channel(endpoint);
        InetSocketAddress to = (InetSocketAddress) site.getLocalAddress();
        int threads = 4;
        int perThread = 250;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    // mostly full-size runs, with a short packet now and then to end a run
                    int length = i % 7 == 6 ? 300 : 1000;
                    ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                    packet.writeInt(thread).writeInt(i).writeZero(length - 8);
                    while (!sender.send(packet, to)) {
                        Thread.onSpinWait(); // cannot happen with 1000 packets in 4096 slots
                    }
                }
                done.countDown();
            });
            producer.setDaemon(true);
            producer.start();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        int[] next = new int[threads];
        ByteBuffer in = ByteBuffer.allocate(2048);
        site.configureBlocking(false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int count = 0;
        while (count < threads * perThread && System.nanoTime() < deadline) {
            in.clear();
            if (site.receive(in) == null) {
                Thread.sleep(1);
                continue;
            }
            in.flip();
            int thread = in.getInt();
            int sequence = in.getInt();
            assertThat(sequence).as("thread %d's order", thread).isEqualTo(next[thread]);
            assertThat(in.limit()).isEqualTo(sequence % 7 == 6 ? 300 : 1000);
            next[thread]++;
            count++;
        }
        assertThat(count).isEqualTo(threads * perThread);
        assertThat(sender.overflowDrops()).isZero();
        if (epoll && UdpTransport.segmenter(true) != null) {
            assertThat(sender.segmenting()).as("loopback takes segmented sends").isTrue();
        }
    }
}
