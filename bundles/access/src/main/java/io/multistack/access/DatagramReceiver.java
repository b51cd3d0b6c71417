package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one endpoint socket with our own {@code recvmmsg} instead of Netty's: no
 * {@code DatagramPacket}, {@code InetSocketAddress} or 64 KiB arena buffer per read, the
 * sender as an int, and {@code MSG_TRUNC} from the kernel instead of a guess.
 *
 * <p>It is registered on the socket's own epoll loop over a dup(2) of the socket's
 * descriptor, so Netty keeps the socket (and its EPOLLOUT, for the sends) while reads are
 * ours; the channel is bound with {@code AUTO_READ} off so that Netty never reads it. The interest is
 * level-triggered: a {@code recvmmsg} that fills fewer slots than it has ends the turn
 * without the extra call that edge triggering needs to see EAGAIN, and a flood is read at
 * most {@link #READS_PER_EVENT} calls at a time, after which the loop runs its tasks (the
 * sends) and epoll reports the socket again.
 *
 * <p>Each read takes one pooled buffer of {@link #SLOTS} slots; a datagram is handed on as
 * a retained slice of it (a slice of the pooled allocator has its own reference count, so
 * the trunk can tag it in place), and the read's own reference is released at once.
 * Everything else, the native {@code mmsghdr}/{@code iovec}/name arrays and the errno
 * capture, is allocated once per receiver and freed on {@link #close()}.
 */
final class DatagramReceiver implements EpollIoHandle {
    /**
     * Datagrams per {@code recvmmsg}. 16 slots of {@link UdpTransport#MAX_DATAGRAM} make a
     * 32 KiB buffer: the largest size the pooled allocator keeps in the loop thread's cache
     * ({@code io.netty.allocator.maxCachedBufferCapacity}), so taking and freeing it per read
     * is a pop and a push there. Netty's 64 KiB read buffer went to the shared arena
     * ({@code PoolChunk.allocate}/{@code free}) every time. A frame a tenant holds also keeps
     * at most 32 KiB alive.
     */
    static final int SLOTS = 16;
    static final int SLOT_BYTES = UdpTransport.MAX_DATAGRAM;
    /** recvmmsg calls per readiness event before the loop runs its tasks again. */
    static final int READS_PER_EVENT = 4;
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final IoEventLoop loop;
    private final FileDescriptor socket;
    private final SiteDatagrams sink;
    private final ByteBufAllocator allocator;
    private final Arena arena = Arena.ofShared();
    private final MessageSlots slots;
    private final MemorySegment callState;
    private final LongAdder errors = new LongAdder();
    private IoRegistration registration;
    private volatile boolean closed;

    private DatagramReceiver(IoEventLoop loop, FileDescriptor socket, SiteDatagrams sink, ByteBufAllocator allocator) {
        this.loop = loop;
        this.socket = socket;
        this.sink = sink;
        this.allocator = allocator;
        this.slots = new MessageSlots(arena, SLOTS, SLOT_BYTES);
        this.callState = arena.allocate(SocketCalls.CALL_STATE);
    }

    /** Links the native calls; throws what FFM throws without native access, or off LP64. */
    static void checkNativeAccess() {
        SocketCalls.check();
        MessageSlots.checkPlatform();
    }

    /**
     * Starts reading {@code channel} (an epoll datagram channel bound with {@code AUTO_READ}
     * off, {@code fd} its descriptor) on its loop. Turning {@code AUTO_READ} off after the
     * bind would not do: Netty keeps its EPOLLIN until its first read.
     */
    static DatagramReceiver start(Channel channel, int fd, SiteDatagrams sink) throws IOException {
        if (!(channel.eventLoop() instanceof IoEventLoop loop) || !loop.isCompatible(DatagramReceiver.class)) {
            throw new IOException("the socket's loop " + channel.eventLoop() + " takes no epoll handles");
        }
        if (channel.config().getOption(ChannelOption.AUTO_READ)) {
            throw new IllegalArgumentException("bind with AUTO_READ off: Netty reads this socket");
        }
        DatagramReceiver receiver;
        try (Arena scratch = Arena.ofConfined()) {
            int copy = SocketCalls.dup(scratch.allocate(SocketCalls.CALL_STATE), fd);
            try {
                receiver = new DatagramReceiver(loop, new FileDescriptor(copy), sink, channel.alloc());
            } catch (RuntimeException | Error failed) {
                new FileDescriptor(copy).close();
                throw failed;
            }
        }
        Future<?> registered = loop.submit(receiver::register).awaitUninterruptibly();
        if (!registered.isSuccess()) {
            receiver.close();
            throw new IOException("cannot register with the socket's loop: " + registered.cause(), registered.cause());
        }
        return receiver;
    }

    /** On the loop: into its epoll set, readable level-triggered (no EPOLLET). */
    private Void register() throws Exception {
        Future<IoRegistration> registered = loop.register(this); // done at once on the loop itself
        if (!registered.isSuccess()) {
            throw new IOException("epoll registration failed", registered.cause());
        }
        registration = registered.getNow();
        registration.submit(EpollIoOps.EPOLLIN);
        return null;
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    /** The socket is readable (or has an error, which the next read returns and clears). */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        for (int read = 0; read < READS_PER_EVENT && !closed; read++) {
            if (readBatch() < SLOTS) {
                return; // the socket is empty now, or was: the level trigger says when there is more
            }
        }
    }

    /** One recvmmsg into a fresh buffer: the number of datagrams read (0 on EAGAIN or an error). */
    private int readBatch() {
        ByteBuf buffer = allocator.directBuffer(SLOTS * SLOT_BYTES, SLOTS * SLOT_BYTES);
        try {
            slots.pointInto(addressOf(buffer));
            int received = SocketCalls.recvmmsg(callState, socket.intValue(), slots.messages(), SLOTS);
            if (received < 0) {
                failed(-received);
                return 0;
            }
            for (int slot = 0; slot < received; slot++) {
                handOn(buffer, slot);
            }
            return received;
        } finally {
            buffer.release();
        }
    }

    private void handOn(ByteBuf buffer, int slot) {
        long sender = slots.senderIpv4(slot);
        if (sender == MessageSlots.NOT_IPV4) {
            return; // the endpoint listens on IPv4 only
        }
        ByteBuf datagram = buffer.retainedSlice(slot * SLOT_BYTES, slots.length(slot));
        try {
            if (slots.truncated(slot)) {
                sink.truncated(datagram);
            } else {
                sink.fromSite((int) sender, datagram);
            }
        } catch (RuntimeException bug) { // never into the loop: Netty would pause it for a second
            count("handling a datagram: " + bug);
        }
    }

    private static long addressOf(ByteBuf buffer) {
        if (buffer.hasMemoryAddress()) { // Netty with Unsafe
            return buffer.memoryAddress();
        }
        return MemorySegment.ofBuffer(buffer.internalNioBuffer(0, buffer.capacity())).address();
    }

    private void failed(int errno) {
        if (errno != SocketCalls.EAGAIN && errno != SocketCalls.EINTR) {
            count("recvmmsg: errno " + errno);
        }
    }

    private void count(String what) {
        errors.increment();
        long sum = errors.sum();
        if (Long.bitCount(sum) == 1) {
            LOG.log(Level.WARNING, "VXLAN endpoint: {0} ({1} receive errors so far on this socket)", what, sum);
        }
    }

    long errors() {
        return errors.sum();
    }

    /** Whether the loop still has this receiver in its epoll set. */
    boolean inEpollSet() {
        IoRegistration current = registration;
        return current != null && current.isValid();
    }

    /**
     * Leaves the loop's epoll set, then closes the duplicate descriptor and frees the native
     * memory; on the loop, so that no read is under way. Also called by Netty when the loop
     * shuts down. Idempotent.
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

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            // while the duplicate is open: epoll knows the socket by open file and descriptor,
            // and Netty's descriptor keeps the file open, so closing ours would not remove it
            registration.cancel();
        }
        try {
            socket.close();
        } catch (IOException failed) {
            LOG.log(Level.WARNING, "VXLAN endpoint: closing the receive descriptor: {0}", failed.toString());
        }
        arena.close();
    }
}
