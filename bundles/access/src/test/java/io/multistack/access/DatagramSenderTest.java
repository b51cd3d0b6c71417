package io.multistack.access;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Our own sendmmsg on a real epoll loop, fed through a {@link SiteSender} as the endpoint
 * feeds it, against a plain JDK socket playing the site on loopback: packets arrive in
 * order, with their bytes, from the endpoint's port; a GSO run is one message that arrives
 * as separate datagrams; a kernel that refuses segments gets them one by one; a message the
 * kernel refuses is counted and the next ones go; a full socket (EAGAIN, from a wrapped
 * system call: loopback frees a packet's send-buffer charge within the call, so a real
 * one never fills) keeps the rest queued until EPOLLOUT; closing releases what waits; the
 * steady state allocates nothing.
 */
@ExtendWith(LeakCheck.class)
class DatagramSenderTest {
    private MultiThreadIoEventLoopGroup group;
    private Channel endpoint;
    private EndpointSocket own;
    private SiteSender sender;
    private DatagramSocket site;
    private InetSocketAddress siteAddress;
    private final Calls calls = new Calls();
    private final List<Integer> errnos = Collections.synchronizedList(new ArrayList<>());
    private final List<ByteBuf> made = new ArrayList<>();

    /** Wraps the real sendmmsg: counts, and can answer EAGAIN or refuse segmented messages. */
    private static final class Calls implements UnaryOperator<DatagramSender.SendCall> {
        volatile boolean full;
        volatile boolean refuseSegments;
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger messagesSent = new AtomicInteger();
        final AtomicInteger segmentedSent = new AtomicInteger();

        @Override
        public DatagramSender.SendCall apply(DatagramSender.SendCall real) {
            return (messages, count) -> {
                attempts.incrementAndGet();
                if (full) {
                    return -SocketCalls.EAGAIN;
                }
                boolean segmented = messages.get(JAVA_LONG, MessageSlots.MSG_CONTROLLEN) != 0;
                if (refuseSegments && segmented) {
                    return -SocketCalls.EIO;
                }
                int sent = real.send(messages, count);
                if (sent > 0) {
                    messagesSent.addAndGet(sent);
                    if (segmented) {
                        segmentedSent.incrementAndGet();
                    }
                }
                return sent;
            };
        }
    }

    @BeforeEach
    void open() throws Exception {
        assumeTrue(UdpTransport.epoll(), "native epoll not available here");
        assumeTrue(UdpTransport.ownIoUnavailable(true) == null, "no native access here");
        group = new MultiThreadIoEventLoopGroup(1, UdpTransport.ioHandlerFactory(true));
        endpoint = UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(true)), true)
                .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        site = new DatagramSocket(null);
        site.setReceiveBufferSize(4 << 20);
        site.bind(new InetSocketAddress("127.0.0.1", 0));
        site.setSoTimeout(5000);
        siteAddress = (InetSocketAddress) site.getLocalSocketAddress();
    }

    /** Our own socket over the endpoint, and a sender of ring capacity {@code capacity} writing through it. */
    private void start(boolean segmenting, int capacity) throws IOException {
        own = EndpointSocket.open(endpoint, ((io.netty.channel.unix.UnixChannel) endpoint).fd().intValue(),
                new SiteDatagrams() {
                    @Override
                    public void fromSite(int remote, ByteBuf payload) {
                        payload.release();
                    }

                    @Override
                    public void truncated(ByteBuf payload) {
                        payload.release();
                    }
                }, segmenting, errnos::add, calls);
        sender = new SiteSender(endpoint.eventLoop(), capacity, null);
        sender.socket(own.sender());
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.channel(null); // what the ring holds is released on the loop, as the endpoint does
        }
        if (own != null) {
            own.close();
        }
        if (endpoint != null) {
            endpoint.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (site != null) {
            site.close();
        }
        assertThat(made).allSatisfy(packet -> assertThat(packet.refCnt()).as("released").isZero());
    }

    private ByteBuf packet(int id, int length) {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        packet.writeInt(id);
        while (packet.writerIndex() < length) {
            packet.writeByte(id * 7 + packet.writerIndex());
        }
        made.add(packet);
        return packet;
    }

    private static byte[] bytes(int id, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        bytes.putInt(id);
        while (bytes.hasRemaining()) {
            bytes.put((byte) (id * 7 + bytes.position()));
        }
        return bytes.array();
    }

    /** The next datagram at the site: its bytes; asserts it came from the endpoint's port. */
    private byte[] receive() throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[70_000], 70_000);
        site.receive(datagram);
        assertThat(datagram.getSocketAddress()).as("source").isEqualTo(endpoint.localAddress());
        return java.util.Arrays.copyOf(datagram.getData(), datagram.getLength());
    }

    private boolean nothingMoreArrives() throws IOException {
        site.setSoTimeout(200);
        try {
            site.receive(new DatagramPacket(new byte[70_000], 70_000));
            return false;
        } catch (SocketTimeoutException none) {
            return true;
        } finally {
            site.setSoTimeout(5000);
        }
    }

    /** Holds the loop until the returned latch is counted down: what is offered meanwhile is one burst. */
    private CountDownLatch holdLoop() throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        endpoint.eventLoop().execute(() -> {
            held.countDown();
            try {
                gate.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        held.await();
        return gate;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    @Test
    void packetsArriveInOrderWithTheirBytesFromTheEndpointsPort() throws Exception {
        start(UdpTransport.segmenter(true) != null, 4096);
        int count = 300;
        for (int i = 0; i < count; i++) {
            assertThat(sender.send(packet(i, 60 + (i * 37) % 1400), siteAddress)).isTrue();
        }
        for (int i = 0; i < count; i++) {
            assertThat(receive()).as("datagram %d", i).isEqualTo(bytes(i, 60 + (i * 37) % 1400));
        }
        assertThat(nothingMoreArrives()).isTrue();
        assertThat(calls.messagesSent.get()).as("sent by our sendmmsg").isPositive();
        assertThat(errnos).isEmpty();
        assertThat(sender.overflowDrops()).isZero();
        await(() -> made.stream().allMatch(packet -> packet.refCnt() == 0));
    }

    @Test
    void packetsFromSeveralThreadsArriveInEachThreadsOrder() throws Exception {
        start(UdpTransport.segmenter(true) != null, 4096);
        int threads = 4;
        int perThread = 250;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    int length = i % 7 == 6 ? 300 : 1000; // runs, ended now and then by a short packet
                    ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                    packet.writeInt(thread).writeInt(i).writeZero(length - 8);
                    assertThat(sender.send(packet, siteAddress)).isTrue(); // 1000 packets in 4096 slots
                }
                done.countDown();
            });
            producer.setDaemon(true);
            producer.start();
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

        int[] next = new int[threads];
        for (int count = 0; count < threads * perThread; count++) {
            ByteBuffer in = ByteBuffer.wrap(receive());
            int thread = in.getInt();
            int sequence = in.getInt();
            assertThat(sequence).as("thread %d's order", thread).isEqualTo(next[thread]);
            assertThat(in.limit()).isEqualTo(sequence % 7 == 6 ? 300 : 1000);
            next[thread]++;
        }
        assertThat(nothingMoreArrives()).isTrue();
        assertThat(errnos).isEmpty();
    }

    @Test
    void aRunOfOneSizeIsOneSegmentedMessageArrivingAsSeparateDatagrams() throws Exception {
        assumeTrue(UdpTransport.segmenter(true) != null, "the kernel has no UDP GSO");
        start(true, 4096);
        CountDownLatch gate = holdLoop();
        for (int i = 0; i < 10; i++) {
            sender.send(packet(i, 1000), siteAddress);
        }
        sender.send(packet(10, 300), siteAddress); // a shorter packet ends the run as its last segment
        sender.send(packet(11, 1000), siteAddress);
        gate.countDown();

        for (int i = 0; i < 10; i++) {
            assertThat(receive()).as("segment %d", i).isEqualTo(bytes(i, 1000));
        }
        assertThat(receive()).isEqualTo(bytes(10, 300));
        assertThat(receive()).isEqualTo(bytes(11, 1000));
        assertThat(calls.messagesSent.get()).as("the run and the packet after it").isEqualTo(2);
        assertThat(calls.segmentedSent.get()).isEqualTo(1);
        assertThat(sender.segmenting()).isTrue();
        assertThat(errnos).isEmpty();
    }

    @Test
    void aKernelThatRefusesSegmentsGetsThemOneByOneAndNoMoreRuns() throws Exception {
        calls.refuseSegments = true;
        start(true, 4096);
        CountDownLatch gate = holdLoop();
        for (int i = 0; i < 5; i++) {
            sender.send(packet(i, 800), siteAddress);
        }
        sender.send(packet(5, 100), siteAddress);
        sender.send(packet(6, 900), siteAddress);
        sender.send(packet(7, 900), siteAddress);
        gate.countDown();

        for (int i = 0; i < 5; i++) {
            assertThat(receive()).as("segment %d", i).isEqualTo(bytes(i, 800));
        }
        assertThat(receive()).isEqualTo(bytes(5, 100));
        assertThat(receive()).isEqualTo(bytes(6, 900));
        assertThat(receive()).isEqualTo(bytes(7, 900));
        assertThat(nothingMoreArrives()).isTrue();
        assertThat(sender.segmenting()).isFalse();
        assertThat(errnos).as("a refusal is no send error").isEmpty();
        assertThat(calls.segmentedSent.get()).isZero();

        sender.send(packet(8, 900), siteAddress);
        sender.send(packet(9, 900), siteAddress);
        assertThat(receive()).isEqualTo(bytes(8, 900));
        assertThat(receive()).isEqualTo(bytes(9, 900));
        await(() -> made.stream().allMatch(packet -> packet.refCnt() == 0));
    }

    @Test
    void aMessageTheKernelRefusesIsCountedAndTheNextOnesGo() throws Exception {
        start(UdpTransport.segmenter(true) != null, 4096);
        InetSocketAddress portZero = new InetSocketAddress("127.0.0.1", 0);
        CountDownLatch gate = holdLoop();
        sender.send(packet(1, 100), siteAddress);
        sender.send(packet(2, 70_000), siteAddress); // longer than a UDP datagram: EMSGSIZE
        sender.send(packet(3, 100), portZero); // EINVAL
        sender.send(packet(4, 100), siteAddress);
        sender.send(packet(5, 100), siteAddress);
        gate.countDown();

        assertThat(receive()).isEqualTo(bytes(1, 100));
        assertThat(receive()).isEqualTo(bytes(4, 100));
        assertThat(receive()).isEqualTo(bytes(5, 100));
        await(() -> errnos.size() >= 2);
        assertThat(errnos).containsExactly(SocketCalls.EMSGSIZE, SocketCalls.EINVAL);
        await(() -> made.stream().allMatch(packet -> packet.refCnt() == 0));
    }

    /**
     * While the socket is full the ring takes the back-pressure (and drops, counted); once
     * it has room, EPOLLOUT alone (nothing else is offered) brings every queued packet out,
     * in order.
     */
    @Test
    void aFullSocketKeepsPacketsQueuedUntilEpollSaysWritable() throws Exception {
        start(false, 64);
        calls.full = true;
        int offered = 600;
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < offered; i++) {
            if (sender.send(packet(i, 100), siteAddress)) {
                accepted.add(i);
            }
            if (i % 50 == 49) {
                Thread.sleep(5); // let the drain fill the sender's slots
            }
        }
        Thread.sleep(100);
        int attemptsWhileFull = calls.attempts.get();
        assertThat(attemptsWhileFull).as("sendmmsg tried").isPositive();
        assertThat(calls.messagesSent.get()).isZero();
        assertThat(sender.overflowDrops()).as("the ring dropped the rest").isEqualTo(offered - accepted.size());
        // the ring's 64, and what the sender held when the socket filled: from one packet
        // (a burst of one) to every slot and one parked
        assertThat(accepted.size()).isBetween(64 + 1, 64 + DatagramSender.SLOTS + 1);

        calls.full = false;
        for (int id : accepted) {
            assertThat(ByteBuffer.wrap(receive()).getInt()).isEqualTo(id);
        }
        assertThat(nothingMoreArrives()).isTrue();
        assertThat(errnos).isEmpty();
        assertThat(sender.unsentDrops()).isZero();
        await(() -> made.stream().allMatch(packet -> packet.refCnt() == 0));

        assertThat(sender.send(packet(offered, 100), siteAddress)).as("the drain goes on").isTrue();
        assertThat(ByteBuffer.wrap(receive()).getInt()).isEqualTo(offered);
    }

    @Test
    void closingReleasesWhatWaitsAndCountsItUnsent() throws Exception {
        start(true, 64);
        calls.full = true;
        int accepted = 0;
        for (int i = 0; i < 20; i++) {
            accepted += sender.send(packet(i, 100 + i), siteAddress) ? 1 : 0;
        }
        await(() -> calls.attempts.get() > 0);
        Thread.sleep(50);
        own.close();
        sender.channel(null);
        sender.send(packet(99, 100), siteAddress);
        int total = accepted + 1;
        await(() -> sender.unsentDrops() >= total);

        assertThat(sender.unsentDrops()).isEqualTo(total);
        assertThat(own.inEpollSet()).isFalse();
        assertThat(own.fd().isOpen()).isFalse();
        assertThat(made).allSatisfy(packet -> assertThat(packet.refCnt()).as("released").isZero());
    }

    @Test
    void theSteadyStateAllocatesNothingPerPacket() throws Exception {
        start(false, 4096);
        assertThat(loopAllocationPerPacket()).as("bytes allocated on the loop per packet").isLessThan(8);
    }

    /**
     * The measure above is real: Netty's writes show in it (27 B per packet measured here; a
     * {@code DatagramPacket} alone is 24).
     */
    @Test
    void nettysWritesAllocatePerPacket() throws Exception {
        start(false, 4096);
        sender.channel(endpoint);
        assertThat(loopAllocationPerPacket()).as("bytes allocated on the loop per packet").isGreaterThan(16);
    }

    /** Bytes the endpoint's loop allocates per packet sent, once the JIT has compiled the path. */
    private double loopAllocationPerPacket() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long loop = endpoint.eventLoop().submit(Thread::currentThread).get().threadId();
        AtomicInteger arrived = new AtomicInteger();
        Thread reader = new Thread(() -> {
            DatagramPacket datagram = new DatagramPacket(new byte[2048], 2048);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    site.receive(datagram);
                    arrived.incrementAndGet();
                }
            } catch (IOException closedOrTimedOut) {
                // the test ends
            }
        });
        reader.setDaemon(true);
        reader.start();
        ResourceLeakDetector.Level checking = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // it records every buffer
        try {
            int warmUp = 150_000;
            int measured = 50_000;
            offerPaced(warmUp, arrived, 0);
            long before = threads.getThreadAllocatedBytes(loop);
            offerPaced(measured, arrived, warmUp);
            return (double) (threads.getThreadAllocatedBytes(loop) - before) / measured;
        } finally {
            ResourceLeakDetector.setLevel(checking);
            reader.interrupt();
        }
    }

    /** Offers {@code count} small packets in bursts of 32, each burst sent before the next. */
    private void offerPaced(int count, AtomicInteger arrived, int already) throws Exception {
        for (int i = 0; i < count; i++) {
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(i).writeZero(60);
            while (!sender.send(packet, siteAddress)) {
                packet = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(i).writeZero(60);
                Thread.onSpinWait();
            }
            if (i % 32 == 31) {
                int sent = already + i + 1;
                await(() -> arrived.get() >= sent - 64);
            }
        }
        int all = already + count;
        await(() -> arrived.get() >= all);
        assertThat(arrived.get()).isEqualTo(all);
    }
}
