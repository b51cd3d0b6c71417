package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our own recvmmsg on a real epoll loop, against a plain JDK socket playing the site on
 * loopback: every datagram arrives, in order, with its sender and bytes, on the socket's
 * loop and never through Netty's pipeline; a cut datagram is reported as such; closing
 * leaves no registration, descriptor or buffer behind; the steady state allocates nothing.
 */
@ExtendWith(LeakCheck.class)
class DatagramReceiverTest {
    private static final int LOOPBACK = 0x7F00_0001;

    private MultiThreadIoEventLoopGroup group;
    private Channel endpoint;
    private EndpointSocket receiver;
    private DatagramSocket site;
    private final Recorder recorder = new Recorder();
    private final AtomicInteger nettyReads = new AtomicInteger();

    /** What the receiver hands on: copies of the bytes, then the buffers are released. */
    private static final class Recorder implements SiteDatagrams {
        final List<byte[]> payloads = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> senders = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> refCounts = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> truncatedLengths = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void fromSite(int remote, ByteBuf payload) {
            byte[] bytes = new byte[payload.readableBytes()];
            payload.getBytes(payload.readerIndex(), bytes);
            payloads.add(bytes);
            senders.add(remote);
            refCounts.add(payload.refCnt());
            threads.add(Thread.currentThread());
            payload.release();
        }

        @Override
        public void truncated(ByteBuf payload) {
            truncatedLengths.add(payload.readableBytes());
            payload.release();
        }
    }

    @BeforeEach
    void open() throws Exception {
        assumeTrue(UdpTransport.epoll(), "native epoll not available here");
        assumeTrue(UdpTransport.ownIoUnavailable(true) == null, "no native access here");
        group = new MultiThreadIoEventLoopGroup(1, UdpTransport.ioHandlerFactory(true));
        endpoint = bindEndpoint();
        receiver = UdpTransport.open(endpoint, recorder, errno -> {});
        site = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    }

    private Channel bindEndpoint() throws InterruptedException {
        return UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(true)), true)
                .option(ChannelOption.AUTO_READ, false).handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        nettyReads.incrementAndGet();
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close();
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
    }

    private static byte[] datagram(int id, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        bytes.putInt(id);
        while (bytes.hasRemaining()) {
            bytes.put((byte) (id * 7 + bytes.position()));
        }
        return bytes.array();
    }

    private void send(byte[] bytes) throws IOException {
        site.send(new java.net.DatagramPacket(bytes, bytes.length, endpoint.localAddress()));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private Thread loopThread() throws Exception {
        return endpoint.eventLoop().submit(Thread::currentThread).get();
    }

    @Test
    void datagramsArriveInOrderWithTheirSenderAndBytesOnTheSocketsLoop() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(datagram(i, 4 + (i * 97) % (UdpTransport.MAX_DATAGRAM - 4)));
        }
        sent.add(datagram(40, UdpTransport.MAX_DATAGRAM)); // exactly a slot: not cut
        for (byte[] bytes : sent) {
            send(bytes);
        }
        await(() -> recorder.payloads.size() >= sent.size());

        assertThat(recorder.payloads).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(recorder.payloads.get(i)).as("datagram %d", i).isEqualTo(sent.get(i));
        }
        assertThat(recorder.senders).containsOnly(LOOPBACK);
        // its own reference count: the trunk tags a frame in place when it is the sole holder
        assertThat(recorder.refCounts).containsOnly(1);
        assertThat(recorder.threads).containsOnly(loopThread());
        assertThat(recorder.truncatedLengths).isEmpty();
        assertThat(nettyReads).as("Netty does not read the socket").hasValue(0);
        assertThat(receiver.receiver().errors()).isZero();
    }

    /** Reads with UDP GRO asked of the kernel (the endpoint's default), or without. */
    private void reopen(boolean coalescing) throws Exception {
        receiver.close();
        receiver = UdpTransport.open(endpoint, recorder, errno -> {}, coalescing);
        assumeTrue(receiver.receiver().coalescing() == coalescing, "the kernel has no UDP GRO");
    }

    @ParameterizedTest(name = "UDP GRO {0}")
    @ValueSource(booleans = {false, true})
    void aThousandDatagramsAllArriveInOrder(boolean coalescing) throws Exception {
        reopen(coalescing);
        int count = 1000;
        for (int i = 0; i < count; i++) {
            send(datagram(i, 64 + i % 1400));
            if (i % 200 == 199) { // within any socket buffer, however small the machine allows
                int sent = i + 1;
                await(() -> recorder.payloads.size() >= sent - 100);
            }
        }
        await(() -> recorder.payloads.size() >= count);

        assertThat(recorder.payloads).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(ByteBuffer.wrap(recorder.payloads.get(i)).getInt()).as("datagram %d", i).isEqualTo(i);
            assertThat(recorder.payloads.get(i)).hasSize(64 + i % 1400);
        }
        assertThat(nettyReads).hasValue(0);
    }

    @ParameterizedTest(name = "UDP GRO {0}")
    @ValueSource(booleans = {false, true})
    void aDatagramLongerThanASlotIsReportedCutAndTheNextOnesArrive(boolean coalescing) throws Exception {
        reopen(coalescing); // with GRO the overflow takes the rest, which is not handed on either
        send(datagram(1, 100));
        send(datagram(2, 3000));
        send(datagram(3, 100));
        send(datagram(4, UdpTransport.MAX_DATAGRAM + 1));
        send(datagram(5, 200));
        await(() -> recorder.payloads.size() >= 3 && recorder.truncatedLengths.size() >= 2);

        assertThat(recorder.truncatedLengths).containsExactly(UdpTransport.MAX_DATAGRAM, UdpTransport.MAX_DATAGRAM);
        assertThat(recorder.payloads).extracting(bytes -> ByteBuffer.wrap(bytes).getInt()).containsExactly(1, 3, 5);
        assertThat(recorder.payloads.get(2)).isEqualTo(datagram(5, 200));
    }

    /** A run longer than a slot spills into the slot's overflow; a short one stays in the shared buffer. */
    @ParameterizedTest(name = "{0} segments of {1} bytes and one of {2}")
    @CsvSource({"10, 1000, 300", "3, 500, 200"})
    void aRunTheKernelMergedArrivesAsItsSeparateDatagrams(int segments, int size, int last) throws Exception {
        assumeTrue(UdpTransport.segmenter(true) != null, "the kernel has no UDP GSO");
        receiver.close();
        receiver = UdpTransport.open(endpoint, recorder, errno -> {}, true);
        assumeTrue(receiver.receiver().coalescing(), "the kernel has no UDP GRO");
        // a GSO send over loopback reaches a socket with UDP_GRO as one datagram and a segment
        // size, just as a burst the receiving interface's GRO merged
        Channel siteEndpoint = bindEndpoint();
        EndpointSocket siteSocket = UdpTransport.open(siteEndpoint, new Recorder(), errno -> {});
        SiteSender siteSender = new SiteSender(siteEndpoint.eventLoop(), 4096, null);
        try {
            siteSender.socket(siteSocket.sender());
            InetSocketAddress to = (InetSocketAddress) endpoint.localAddress();
            siteEndpoint.eventLoop().submit(() -> { // queued together: one burst, one GSO run
                for (int i = 0; i < segments; i++) {
                    siteSender.send(io.netty.buffer.Unpooled.directBuffer(size).writeBytes(datagram(i, size)), to);
                }
                siteSender.send(io.netty.buffer.Unpooled.directBuffer(last).writeBytes(datagram(segments, last)), to);
            }).sync();
            await(() -> recorder.payloads.size() >= segments + 1);

            assertThat(recorder.payloads).hasSize(segments + 1);
            for (int i = 0; i < segments; i++) {
                assertThat(recorder.payloads.get(i)).as("segment %d", i).isEqualTo(datagram(i, size));
            }
            assertThat(recorder.payloads.get(segments)).isEqualTo(datagram(segments, last));
            assertThat(receiver.receiver().coalescedRuns()).as("merged by the kernel, cut by us").isEqualTo(1);
            assertThat(recorder.senders).containsOnly(LOOPBACK);
            assertThat(recorder.refCounts).as("each its own reference").containsOnly(1);
        } finally {
            siteSender.channel(null);
            siteSocket.close();
            siteEndpoint.close().syncUninterruptibly();
        }
    }

    @ParameterizedTest(name = "UDP GRO {0}")
    @ValueSource(booleans = {false, true})
    void aFrameStillHeldKeepsItsBytesAndABufferNobodyHoldsIsReadIntoAgain(boolean coalescing) throws Exception {
        // with GRO too a lone datagram is a slice of the shared buffer, not a copy
        receiver.close();
        List<ByteBuf> held = Collections.synchronizedList(new ArrayList<>());
        List<Long> addresses = Collections.synchronizedList(new ArrayList<>());
        List<Integer> underlying = Collections.synchronizedList(new ArrayList<>());
        receiver = UdpTransport.open(endpoint, new SiteDatagrams() {
            @Override
            public void fromSite(int remote, ByteBuf payload) {
                addresses.add(MessageSlots.address(payload, payload.readerIndex(), payload.readableBytes()));
                ByteBuf root = payload; // through the leak check's wrapper and the slice
                while (root.unwrap() != null) {
                    root = root.unwrap();
                }
                underlying.add(root.capacity());
                if (held.isEmpty()) {
                    held.add(payload); // as TCP keeps a segment in its queue
                } else {
                    payload.release(); // as a ping answered within the loop's turn
                }
            }

            @Override
            public void truncated(ByteBuf payload) {
                payload.release();
            }
        }, errno -> {}, coalescing);
        assumeTrue(receiver.receiver().coalescing() == coalescing, "the kernel has no UDP GRO");
        try {
            for (int i = 1; i <= 4; i++) { // one at a time: each is a read of its own
                send(datagram(i, 300));
                int expected = i;
                await(() -> addresses.size() >= expected);
            }

            assertThat(addresses).hasSize(4);
            assertThat(underlying).as("slices of the read's shared buffer, no copies")
                    .containsOnly(DatagramReceiver.SLOTS * DatagramReceiver.SLOT_BYTES);
            assertThat(addresses.get(1)).as("the held frame's buffer is not read into").isNotEqualTo(addresses.get(0));
            assertThat(addresses.subList(2, 4)).as("a buffer whose frames were all released is read into again")
                    .containsOnly(addresses.get(1));
            byte[] bytes = new byte[held.get(0).readableBytes()];
            held.get(0).getBytes(held.get(0).readerIndex(), bytes);
            assertThat(bytes).as("the held frame, after three more reads").isEqualTo(datagram(1, 300));
        } finally {
            held.forEach(ByteBuf::release);
        }
    }

    @Test
    void closingLeavesTheEpollSetClosesTheDuplicateAndStopsReading() throws Exception {
        send(datagram(1, 100));
        await(() -> recorder.payloads.size() >= 1);
        int duplicate = receiver.fd().intValue();
        assertThat(duplicate).isNotEqualTo(((io.netty.channel.unix.UnixChannel) endpoint).fd().intValue());
        assertThat(receiver.inEpollSet()).isTrue();
        assertThat(closedOnExec(duplicate)).as("a started process does not inherit the socket").isTrue();

        receiver.close();
        receiver.close(); // twice: nothing happens

        assertThat(receiver.inEpollSet()).isFalse();
        assertThat(receiver.fd().isOpen()).isFalse();
        send(datagram(2, 100));
        Thread.sleep(200);
        assertThat(recorder.payloads).as("nothing read after close").hasSize(1);
        assertThat(nettyReads).as("nor by Netty, whose reads stay off").hasValue(0);
    }

    @Test
    void rebindingManyTimesLeavesNoDescriptorBehind() throws Exception {
        receiver.close();
        endpoint.close().sync();
        int before = openDescriptors();
        for (int round = 0; round < 50; round++) {
            endpoint = bindEndpoint();
            receiver = UdpTransport.open(endpoint, recorder, errno -> {});
            send(datagram(round, 100));
            int expected = round + 1;
            await(() -> recorder.payloads.size() >= expected);
            assertThat(recorder.payloads).hasSize(expected);
            receiver.close();
            endpoint.close().sync();
        }
        assertThat(openDescriptors()).as("open descriptors after 50 binds").isLessThanOrEqualTo(before);
    }

    @Test
    void theSteadyStateAllocatesNothingPerDatagram() throws Exception {
        assertThat(steadyStateAllocationPerDatagram(false)).as("bytes allocated on the loop per datagram").isLessThan(8);
    }

    @Test
    void withUdpGroLoneDatagramsAllocateNothingEither() throws Exception {
        // the default (gro = true) on an interface that merges nothing: each datagram copied out of its slot
        assertThat(steadyStateAllocationPerDatagram(true)).as("bytes allocated on the loop per datagram").isLessThan(8);
    }

    private double steadyStateAllocationPerDatagram(boolean coalescing) throws Exception {
        receiver.close();
        AtomicInteger handed = new AtomicInteger();
        receiver = UdpTransport.open(endpoint, new SiteDatagrams() {
            @Override
            public void fromSite(int remote, ByteBuf payload) {
                payload.release();
                handed.incrementAndGet();
            }

            @Override
            public void truncated(ByteBuf payload) {
                payload.release();
            }
        }, errno -> {}, coalescing);
        assumeTrue(receiver.receiver().coalescing() == coalescing, "the kernel has no UDP GRO");
        return loopAllocationPerDatagram(handed);
    }

    /**
     * The measure above is real: Netty's reads (a DatagramPacket, an InetSocketAddress, ...)
     * show in it. How much depends on what the JIT could remove, which depends on what ran
     * before in the same JVM: 24 B per datagram after the sender's tests, more alone; a
     * {@code DatagramPacket} alone is 24.
     */
    @Test
    void nettysOwnReadsAllocatePerDatagram() throws Exception {
        receiver.close();
        endpoint.close().sync();
        AtomicInteger handed = new AtomicInteger();
        endpoint = UdpTransport.configure(new Bootstrap().group(group).channelFactory(UdpTransport.channelFactory(true)), true)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        handed.incrementAndGet();
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        assertThat(loopAllocationPerDatagram(handed)).as("bytes allocated on the loop per datagram").isGreaterThan(16);
    }

    /** Bytes the endpoint's loop allocates per datagram, once the JIT has compiled the path. */
    private double loopAllocationPerDatagram(AtomicInteger handed) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long loop = loopThread().threadId();
        byte[] bytes = datagram(7, 200);
        int warmUp = 150_000;
        int measured = 50_000;
        // the leak detector (LeakCheck) wraps and records every buffer: off while measuring
        ResourceLeakDetector.Level checking = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            sendPaced(bytes, warmUp, handed, 0);
            long allocatedBefore = threads.getThreadAllocatedBytes(loop);
            sendPaced(bytes, measured, handed, warmUp);
            return (double) (threads.getThreadAllocatedBytes(loop) - allocatedBefore) / measured;
        } finally {
            ResourceLeakDetector.setLevel(checking);
        }
    }

    private void sendPaced(byte[] bytes, int count, AtomicInteger handed, int already) throws Exception {
        for (int i = 0; i < count; i++) {
            send(bytes);
            if (i % 500 == 499) {
                int sent = already + i + 1;
                await(() -> handed.get() >= sent - 200);
            }
        }
        await(() -> handed.get() >= already + count);
        assertThat(handed).hasValue(already + count);
    }

    /** FD_CLOEXEC, which /proc shows as O_CLOEXEC (octal 02000000) among the descriptor's flags. */
    private static boolean closedOnExec(int fd) throws IOException {
        String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(line -> line.startsWith("flags:")).findFirst().orElseThrow();
        return (Integer.parseInt(flags.substring("flags:".length()).trim(), 8) & 02000000) != 0;
    }

    private static int openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    @Test
    void senderAddressesAreReadFromSockaddrInAndIpv4MappedSockaddrIn6() {
        assertThat(MessageSlots.IOVEC.byteSize()).isEqualTo(16);
        assertThat(MessageSlots.MSGHDR.byteSize()).isEqualTo(56);
        assertThat(MessageSlots.MMSGHDR.byteSize()).isEqualTo(64);
        assertThat(MessageSlots.SOCKADDR_IN.byteSize()).isEqualTo(16);
        assertThat(MessageSlots.SOCKADDR_IN6.byteSize()).isEqualTo(28);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment name = arena.allocate(28);
            ByteBuffer in = name.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
            in.putShort(0, MessageSlots.AF_INET).put(4, (byte) 192).put(5, (byte) 0).put(6, (byte) 2).put(7, (byte) 9);
            assertThat(MessageSlots.ipv4Of(name, 0, 16)).isEqualTo(0xC0_00_02_09L);
            assertThat(MessageSlots.ipv4Of(name, 0, 1)).as("too short").isEqualTo(MessageSlots.NOT_IPV4);

            name.fill((byte) 0);
            in.putShort(0, MessageSlots.AF_INET6).put(18, (byte) 0xFF).put(19, (byte) 0xFF);
            in.put(20, (byte) 203).put(21, (byte) 0).put(22, (byte) 113).put(23, (byte) 250);
            assertThat(MessageSlots.ipv4Of(name, 0, 28)).isEqualTo(0xCB_00_71_FAL);
            in.put(8, (byte) 0x20); // 2000::... is not IPv4-mapped
            assertThat(MessageSlots.ipv4Of(name, 0, 28)).isEqualTo(MessageSlots.NOT_IPV4);
            in.putShort(0, (short) 1); // AF_UNIX
            assertThat(MessageSlots.ipv4Of(name, 0, 28)).isEqualTo(MessageSlots.NOT_IPV4);
        }
        assertThat(io.multistack.wire.Ipv4Address.parse("127.0.0.1")).isEqualTo(LOOPBACK);
    }
}
