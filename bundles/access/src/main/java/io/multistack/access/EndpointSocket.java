package io.multistack.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * One endpoint socket as we use it ourselves: a dup(2) ({@code F_DUPFD_CLOEXEC}) of the
 * Netty channel's descriptor, registered once in the channel's own epoll loop, with a
 * reading part ({@link DatagramReceiver}, {@code recvmmsg}) and a writing part
 * ({@link DatagramSender}, {@code sendmmsg}). Netty keeps the socket open and bound, but
 * neither reads nor writes it: the channel is bound with {@code AUTO_READ} off, and the
 * {@link SiteSender} hands its packets to our sender instead of the channel.
 *
 * <p>The interest is EPOLLIN, level-triggered; while the sender waits for room in the
 * socket's send buffer it is EPOLLIN|EPOLLOUT, and back to EPOLLIN once that is sent (one
 * registration per descriptor: epoll keeps a single interest set for it). The native memory
 * of both parts is one arena, freed on {@link #close()}.
 */
final class EndpointSocket implements EpollIoHandle {
    /** Told, on the loop, when the datagrams of one readiness event begin and end being handed on. */
    interface ReadBursts {
        void readsBegin();

        void readsEnd();
    }

    private static final ReadBursts NO_ONE = new ReadBursts() {
        @Override
        public void readsBegin() {}

        @Override
        public void readsEnd() {}
    };

    private static final Logger LOG = System.getLogger("io.multistack.access");
    private static final int WRITABLE = EpollIoOps.EPOLLOUT.value();

    private final IoEventLoop loop;
    private final FileDescriptor socket;
    private final Arena arena = Arena.ofShared();
    private final DatagramReceiver receiver;
    private final DatagramSender sender;
    private final EpollIoOps readable = EpollIoOps.EPOLLIN;
    private final EpollIoOps readableOrWritable = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT);
    private IoRegistration registration;
    private volatile ReadBursts bursts = NO_ONE;
    private volatile boolean closed;

    private EndpointSocket(IoEventLoop loop, Channel channel, int copy, SiteDatagrams sink, boolean segmenting,
            IntConsumer sendErrors, UnaryOperator<DatagramSender.SendCall> around, boolean gro) throws IOException {
        this.loop = loop;
        this.socket = new FileDescriptor(copy);
        try {
            MemorySegment sendState = arena.allocate(SocketCalls.CALL_STATE);
            this.receiver = new DatagramReceiver(arena, copy, sink, channel.alloc(), gro && coalescing(sendState, copy));
            SendSlots slots = new SendSlots(arena, DatagramSender.SLOTS, SocketCalls.family(sendState, copy));
            DatagramSender.SendCall sendmmsg = (messages, count) -> SocketCalls.sendmmsg(sendState, copy, messages, count);
            this.sender = new DatagramSender(slots, around.apply(sendmmsg), this::wantWritable, channel.alloc(),
                    segmenting, sendErrors);
        } catch (IOException | RuntimeException | Error failed) {
            arena.close();
            throw failed;
        }
    }

    /**
     * Asks the kernel for UDP GRO on the socket (the endpoint's {@code gro = true}): where the
     * receiving interface merges a burst of datagrams of one flow (a NIC's NAPI GRO), one slot
     * of a {@code recvmmsg} takes up to 64 of them. False where the kernel does not know the
     * option (before Linux 5.0): datagrams come one by one, as without it.
     */
    private static boolean coalescing(MemorySegment state, int fd) {
        try (Arena scratch = Arena.ofConfined()) {
            SocketCalls.setsockopt(state, fd, SendSlots.SOL_UDP, SocketCalls.UDP_GRO,
                    scratch.allocateFrom(ValueLayout.JAVA_INT, 1), "UDP_GRO");
            return true;
        } catch (IOException refused) {
            LOG.log(Level.INFO, "VXLAN endpoint: no UDP GRO on this kernel ({0}); datagrams are read one by one",
                    refused.getMessage());
            return false;
        }
    }

    /** Links the native calls; throws what FFM throws without native access, or off LP64. */
    static void checkNativeAccess() {
        DatagramReceiver.checkNativeAccess();
    }

    /**
     * Starts reading {@code channel} (an epoll datagram channel bound with {@code AUTO_READ}
     * off, {@code fd} its descriptor) on its loop, handing datagrams to {@code sink}, and
     * makes a sender for it ({@link #sender()}): with {@code segmenting}, runs of packets go
     * out as GSO messages; {@code sendErrors} takes the errno of each message the kernel
     * refused. Turning {@code AUTO_READ} off after the bind would not do: Netty keeps its
     * EPOLLIN until its first read.
     */
    static EndpointSocket open(Channel channel, int fd, SiteDatagrams sink, boolean segmenting, IntConsumer sendErrors)
            throws IOException {
        return open(channel, fd, sink, segmenting, sendErrors, UnaryOperator.identity(), false);
    }

    /** As above; with {@code gro}, asks for merged runs ({@link #coalescing}). */
    static EndpointSocket open(Channel channel, int fd, SiteDatagrams sink, boolean segmenting, IntConsumer sendErrors,
            boolean gro) throws IOException {
        return open(channel, fd, sink, segmenting, sendErrors, UnaryOperator.identity(), gro);
    }

    /** As above, with the sender's system call wrapped by {@code around} (tests). */
    static EndpointSocket open(Channel channel, int fd, SiteDatagrams sink, boolean segmenting, IntConsumer sendErrors,
            UnaryOperator<DatagramSender.SendCall> around) throws IOException {
        return open(channel, fd, sink, segmenting, sendErrors, around, false);
    }

    private static EndpointSocket open(Channel channel, int fd, SiteDatagrams sink, boolean segmenting,
            IntConsumer sendErrors, UnaryOperator<DatagramSender.SendCall> around, boolean gro) throws IOException {
        if (!(channel.eventLoop() instanceof IoEventLoop loop) || !loop.isCompatible(EndpointSocket.class)) {
            throw new IOException("the socket's loop " + channel.eventLoop() + " takes no epoll handles");
        }
        if (channel.config().getOption(ChannelOption.AUTO_READ)) {
            throw new IllegalArgumentException("bind with AUTO_READ off: Netty reads this socket");
        }
        EndpointSocket opened;
        try (Arena scratch = Arena.ofConfined()) {
            int copy = SocketCalls.dup(scratch.allocate(SocketCalls.CALL_STATE), fd);
            try {
                opened = new EndpointSocket(loop, channel, copy, sink, segmenting, sendErrors, around, gro);
            } catch (IOException | RuntimeException | Error failed) {
                new FileDescriptor(copy).close();
                throw failed;
            }
        }
        Future<?> registered = loop.submit(opened::register).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            opened.close();
            throw new IOException("cannot register with the socket's loop: " + registered.cause(), registered.cause());
        }
        return opened;
    }

    /** On the loop: into its epoll set, readable level-triggered (no EPOLLET). */
    private Void register() throws Exception {
        Future<IoRegistration> registered = loop.register(this); // done at once on the loop itself
        if (!registered.isSuccess()) {
            throw new IOException("epoll registration failed", registered.cause());
        }
        registration = registered.getNow();
        registration.submit(readable);
        return null;
    }

    DatagramReceiver receiver() {
        return receiver;
    }

    /** Who is told when each event's reads begin and end: the {@link SiteSender} of this loop. */
    void onReads(ReadBursts listener) {
        bursts = listener;
    }

    /** The writing part; used on the socket's loop only. */
    DatagramSender sender() {
        return sender;
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    /** Readable (or an error, which the next read returns and clears), and/or writable again. */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        int ops = ((EpollIoEvent) event).ops().value();
        if ((ops & WRITABLE) != 0) {
            sender.writable();
        }
        if ((ops & ~WRITABLE) != 0 && !closed) {
            ReadBursts told = bursts;
            told.readsBegin();
            try {
                receiver.readable();
            } finally {
                told.readsEnd();
            }
        }
    }

    /** The sender's wish, on the loop: wait for EPOLLOUT too, or no more. */
    private void wantWritable(boolean wanted) {
        IoRegistration current = registration;
        if (current == null || !current.isValid()) {
            return;
        }
        try {
            current.submit(wanted ? readableOrWritable : readable);
        } catch (RuntimeException failed) { // never into the loop
            LOG.log(Level.WARNING, "VXLAN endpoint: cannot change the socket''s epoll interest: {0}", failed.toString());
        }
    }

    /** Whether the loop still has this socket in its epoll set. */
    boolean inEpollSet() {
        IoRegistration current = registration;
        return current != null && current.isValid();
    }

    /**
     * Leaves the loop's epoll set, releases what the sender still holds (counted unsent),
     * then closes the duplicate descriptor and frees the native memory; on the loop, so
     * that no read or send is under way. Also called by Netty when the loop shuts down.
     * Idempotent.
     */
    @Override
    public void close() {
        if (loop.inEventLoop()) {
            closeNow();
            return;
        }
        try {
            loop.submit(this::closeNow).awaitUninterruptibly();
        } catch (RejectedExecutionException shuttingDown) {
            // the loop closes its handles itself as it stops; this catches one it has not
            loop.terminationFuture().addListener(stopped -> closeNow());
        }
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            // while the duplicate is open: epoll knows the socket by open file and descriptor,
            // and Netty's descriptor keeps the file open, so closing ours would not remove it
            registration.cancel();
        }
        receiver.close();
        sender.close();
        try {
            socket.close();
        } catch (IOException failed) {
            LOG.log(Level.WARNING, "VXLAN endpoint: closing the socket's duplicate descriptor: {0}", failed.toString());
        }
        arena.close();
    }
}
