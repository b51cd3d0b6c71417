package io.multistack.access;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The endpoint's sockets on native epoll or on NIO, as the data-path loops they run on
 * ({@code DataPathLoops.nativeEpoll()}); every method takes that choice. The epoll package is
 * an optional import, so every reference to it stays behind an {@code epoll} check.
 *
 * <p>With epoll and native access (FFM), the endpoint reads and writes each socket itself
 * ({@link #open}, {@link EndpointSocket}): one {@code recvmmsg} fills up to 16 slots of
 * {@link #MAX_DATAGRAM} bytes in one pooled buffer, each datagram is a slice of it; one
 * {@code sendmmsg} sends up to 128 packets straight from their buffers (runs as GSO
 * messages); nothing else is allocated per datagram either way. Otherwise Netty reads and
 * writes ({@link #configure}): with epoll, its {@code recvmmsg} fills up to
 * {@link #DATAGRAMS_PER_READ} slots of one 64 KiB buffer and makes a {@code DatagramPacket}
 * per datagram, and each packet sent is a {@code DatagramPacket} too; NIO reads one datagram
 * per system call into a buffer of {@link #MAX_DATAGRAM}.
 */
final class UdpTransport {
    /**
     * Bytes per received datagram: a VXLAN header and an Ethernet frame of MTU 1500 with an
     * 802.1Q tag fit with room to spare (Netty's default for datagrams is the same 2048). A
     * longer datagram is cut to this length by the kernel and dropped: our own reads see the
     * kernel's MSG_TRUNC; Netty's reads do not, so there a datagram that fills its slot
     * exactly is taken as cut.
     */
    static final int MAX_DATAGRAM = 2048;
    /** Slots of Netty's recvmmsg (when it reads: no native access). */
    static final int DATAGRAMS_PER_READ = 32;
    /** Netty's recvmmsg calls per readiness event, before the loop runs its tasks (the sends) again. */
    private static final int READS_PER_EVENT = 4;
    /** Outbound bytes Netty's channel may hold before the sender pauses: ~700 full-size packets. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);
    /**
     * The pooled allocator, not Netty 4.2's default adaptive one: a datagram of a batched read
     * is a slice of the read's buffer, and only the pooled allocator's slices have a reference
     * count of their own. An adaptive slice shares its parent's count (one per datagram still
     * held), so the trunk's tagging, which changes a frame in place only when it is the sole
     * holder, would copy every frame.
     */
    private static final ByteBufAllocator RECEIVE_ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    private static final boolean EPOLL = probeEpoll();

    private UdpTransport() {}

    /** Loops for these sockets; the appliance's come from the loops bundle, tests make their own. */
    static IoHandlerFactory ioHandlerFactory(boolean epoll) {
        return epoll ? Epoll.ioHandlerFactory() : NioIoHandler.newFactory();
    }

    static ChannelFactory<? extends DatagramChannel> channelFactory(boolean epoll) {
        return epoll ? Epoll.channelFactory() : NioDatagramChannel::new;
    }

    /**
     * Socket options of the VXLAN endpoint: buffers, the water mark and batched reads for
     * when Netty reads and writes (everywhere but under {@link #open}).
     */
    static Bootstrap configure(Bootstrap bootstrap, boolean epoll) {
        bootstrap.option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.ALLOCATOR, RECEIVE_ALLOCATOR);
        if (epoll) {
            return Epoll.batchedReads(bootstrap);
        }
        return bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }

    /** Segmented datagrams (UDP GSO) when the transport and the kernel have them; otherwise {@code null}. */
    static BurstWriter.Segmenter segmenter(boolean epoll) {
        return epoll ? Epoll.segmenter() : null;
    }

    /**
     * Several sockets on one address and port (SO_REUSEPORT, epoll only), one per loop: the
     * kernel spreads the sites' flows over them by a hash of the addresses and ports.
     */
    static Bootstrap sharedPort(Bootstrap bootstrap) {
        return Epoll.reusePort(bootstrap);
    }

    /**
     * Steers each packet to the socket of its tenant's loop ({@link ReuseportSteering}); the
     * sockets must have been bound in the order of the loops. Epoll only.
     */
    static void steerByInnerDestination(io.netty.channel.Channel first, int sockets) throws java.io.IOException {
        ReuseportSteering.attach(Epoll.fd(first), sockets);
    }

    /**
     * Why the endpoint cannot read and write its sockets itself, or {@code null} when it
     * can: that takes epoll and native access for the FFM calls.
     */
    static String ownIoUnavailable(boolean epoll) {
        if (!epoll) {
            return "no native epoll";
        }
        try {
            Epoll.checkNativeAccess();
            return null;
        } catch (IllegalCallerException | LinkageError | UnsupportedOperationException denied) {
            Throwable cause = denied.getCause() != null ? denied.getCause() : denied; // ExceptionInInitializerError
            return "no native access (" + cause + ")";
        }
    }

    /**
     * Reads {@code channel} (epoll, bound with {@code AUTO_READ} off so that Netty never
     * reads it) with our own recvmmsg from now on, handing each datagram to {@code sink} on
     * the channel's loop, and makes our own sender for it (sendmmsg, GSO where the kernel
     * has it; {@code sendErrors} takes the errno of each message refused).
     */
    static EndpointSocket open(io.netty.channel.Channel channel, SiteDatagrams sink,
            java.util.function.IntConsumer sendErrors) throws java.io.IOException {
        return open(channel, sink, sendErrors, false);
    }

    /** As above; with {@code gro}, the socket asks the kernel for merged runs (UDP GRO) where it has them. */
    static EndpointSocket open(io.netty.channel.Channel channel, SiteDatagrams sink,
            java.util.function.IntConsumer sendErrors, boolean gro) throws java.io.IOException {
        return Epoll.open(channel, sink, sendErrors, gro);
    }

    static String name(boolean epoll, boolean ownIo) {
        if (!epoll) {
            return "nio";
        }
        return "epoll: " + (ownIo ? "recvmmsg and sendmmsg through FFM" : "Netty's recvmmsg and sendmmsg")
                + (Epoll.segmenter() != null ? ", UDP GSO" : "");
    }

    /** Whether native epoll works on this machine (tests run both transports where it does). */
    static boolean epoll() {
        return EPOLL;
    }

    private static boolean probeEpoll() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError absent) {
            return false;
        }
    }

    /** Kept in its own class so that loading {@link UdpTransport} never needs the epoll package. */
    private static final class Epoll {
        static IoHandlerFactory ioHandlerFactory() {
            return io.netty.channel.epoll.EpollIoHandler.newFactory();
        }

        static ChannelFactory<? extends DatagramChannel> channelFactory() {
            return io.netty.channel.epoll.EpollDatagramChannel::new;
        }

        static BurstWriter.Segmenter segmenter() {
            return io.netty.channel.epoll.EpollDatagramChannel.isSegmentedDatagramPacketSupported() ? new Gso() : null;
        }

        static int fd(io.netty.channel.Channel channel) {
            return ((io.netty.channel.unix.UnixChannel) channel).fd().intValue();
        }

        static void checkNativeAccess() {
            EndpointSocket.checkNativeAccess();
        }

        static EndpointSocket open(io.netty.channel.Channel channel, SiteDatagrams sink,
                java.util.function.IntConsumer sendErrors, boolean gro) throws java.io.IOException {
            return EndpointSocket.open(channel, fd(channel), sink, segmenter() != null, sendErrors, gro);
        }

        static Bootstrap reusePort(Bootstrap bootstrap) {
            return bootstrap.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
        }

        /** A buffer of several slots plus a slot size makes Netty read with recvmmsg. */
        static Bootstrap batchedReads(Bootstrap bootstrap) {
            return bootstrap.option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(MAX_DATAGRAM * DATAGRAMS_PER_READ)
                                    .maxMessagesPerRead(DATAGRAMS_PER_READ * READS_PER_EVENT));
        }
    }

    /** Netty's segmented datagram; the kernel cuts it into packets of {@code segmentSize}. */
    private static final class Gso implements BurstWriter.Segmenter {
        // Linux errno values (this class only exists with epoll): what a socket or device
        // answers when it cannot segment at all, rather than a site being unreachable now
        private static final int EIO = 5;
        private static final int EINVAL = 22;
        private static final int EOPNOTSUPP = 95;

        @Override
        public io.netty.channel.socket.DatagramPacket segmented(io.netty.buffer.ByteBuf segments, int segmentSize,
                java.net.InetSocketAddress to) {
            return new io.netty.channel.unix.SegmentedDatagramPacket(segments, segmentSize, to);
        }

        @Override
        public boolean refusal(Throwable cause) {
            if (!(cause instanceof io.netty.channel.unix.Errors.NativeIoException failed)) {
                return cause instanceof UnsupportedOperationException;
            }
            int errno = -failed.expectedErr();
            return errno == EIO || errno == EINVAL || errno == EOPNOTSUPP;
        }
    }
}
