package io.multistack.links;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import io.multistack.api.link.LinkOwnership;
import io.multistack.links.sys.Errno;
import io.multistack.links.sys.Libc;
import io.multistack.links.sys.SyscallException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Link} over a native descriptor (TAP or AF_PACKET). One reader thread polls the
 * descriptor with a short timeout (so {@link #close()} takes effect quickly), reads waiting
 * frames in batches straight into pooled direct buffers and hands them to the receiver.
 * When the interface is lost (deleted, its namespace removed) the link turns {@code down},
 * counts it, logs it and reopens with back-off; it never throws at its users.
 */
public final class NativeLink implements Link, AutoCloseable {
    private static final Logger LOG = System.getLogger("io.multistack.links");
    static final int POLL_MILLIS = 200;
    static final int BATCH = 64;
    static final long FIRST_RETRY_MILLIS = 100;
    static final long LAST_RETRY_MILLIS = 5_000;
    /** A port that lasted this long was healthy: losing it afterwards starts the back-off afresh. */
    static final long STABLE_NANOS = 1_000_000_000L;
    private static final short POLL_TROUBLE = Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL;

    private final String name;
    private final LinkType type;
    private final String interfaceName;
    private final int configuredMtu;
    private final Port.Opener opener;
    private final ByteBufAllocator allocator;
    private final LinkCounters counters = new LinkCounters();
    /** Senders share the port; the reader replaces it only under the write lock, so no send hits a closed fd. */
    private final ReadWriteLock portLock = new ReentrantReadWriteLock();
    private final Thread reader;

    private volatile Port port;
    private final LinkOwnership ownership;
    private volatile LinkState state = LinkState.STARTING;
    private volatile String lastError = "";
    private volatile boolean running = true;

    public NativeLink(String name, LinkType type, String interfaceName, int configuredMtu, Port.Opener opener,
            ByteBufAllocator allocator) {
        this.name = name;
        this.type = type;
        this.interfaceName = interfaceName;
        this.configuredMtu = configuredMtu;
        this.opener = opener;
        this.allocator = allocator;
        this.ownership = new LinkOwnership(name);
        // Netty's own thread type: pooled buffers then come from a thread-local cache, not the shared arena
        this.reader = new FastThreadLocalThread(this::run, "link-" + name);
        this.reader.setDaemon(true);
    }

    /** A link on a TAP the appliance creates. */
    public static NativeLink tap(String name, String interfaceName, int mtu, ByteBufAllocator allocator) {
        return new NativeLink(name, LinkType.TAP, interfaceName, mtu, () -> TapPort.open(interfaceName, mtu),
                allocator);
    }

    /** A link on an existing interface through an AF_PACKET socket. */
    public static NativeLink packet(String name, String interfaceName, int mtu, ByteBufAllocator allocator) {
        return new NativeLink(name, LinkType.PACKET, interfaceName, mtu, () -> PacketPort.open(interfaceName, mtu),
                allocator);
    }

    /** Starts the reader thread, which opens the interface (and keeps trying when it cannot). */
    public NativeLink start() {
        reader.start();
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    public LinkType type() {
        return type;
    }

    public String interfaceName() {
        return interfaceName;
    }

    @Override
    public int mtu() {
        Port open = port;
        return open != null ? open.mtu() : configuredMtu > 0 ? configuredMtu : 1500;
    }

    public LinkState linkState() {
        return state;
    }

    /** {@code up}, or the state with the last error, e.g. {@code down: ENODEV (No such device)}. */
    @Override
    public String state() {
        LinkState now = state;
        if (now == LinkState.UP) {
            return "up";
        }
        return lastError.isEmpty() ? now.toString() : now + ": " + lastError;
    }

    /** Why the link is (or last was) down; empty when it never failed. */
    public String lastError() {
        return lastError;
    }

    public LinkCounters.Snapshot counters() {
        return counters.snapshot();
    }

    @Override
    public void claim(String owner, FrameReceiver receiver) throws LinkInUseException {
        ownership.claim(owner, receiver);
    }

    @Override
    public void release(String owner) {
        ownership.release(owner);
    }

    @Override
    public String owner() {
        return ownership.owner();
    }

    @Override
    public void transmit(ByteBuf frame) {
        ByteBuf direct = frame;
        try {
            if (!frame.isDirect()) {
                // The kernel needs native memory; heap frames are rare (tests, tools), so one copy is fine.
                direct = allocator.directBuffer(frame.readableBytes()).writeBytes(frame, frame.readerIndex(),
                        frame.readableBytes());
            }
            send(direct);
        } finally {
            frame.release();
            if (direct != frame) {
                direct.release();
            }
        }
    }

    private void send(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length < Frames.MAC_ADDRESSES + 2 || length > mtu() + Frames.ETHERNET_HEADER + Frames.VLAN_TAG) {
            counters.drop();
            return;
        }
        portLock.readLock().lock();
        try {
            Port open = port;
            if (open == null) {
                counters.drop();
                return;
            }
            open.send(frame);
            counters.sent(length);
        } catch (SyscallException failed) {
            if (failed.wouldBlock() || failed.errno() == Errno.ENOBUFS) {
                counters.drop();
            } else {
                // A lost interface is noticed (and reopened) by the reader; here the frame is just gone.
                counters.error();
            }
        } finally {
            portLock.readLock().unlock();
        }
    }

    /** Stops the reader (within one poll timeout) and closes the descriptor; a TAP disappears with it. */
    @Override
    public void close() {
        running = false;
        if (reader.isAlive() && Thread.currentThread() != reader) {
            try {
                reader.join(2 * POLL_MILLIS + 100);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        replacePort(null);
        state = LinkState.CLOSED;
    }

    private void run() {
        long retryMillis = FIRST_RETRY_MILLIS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = Libc.allocatePollfd(arena);
            MemorySegment pollErrno = Libc.allocateErrnoState(arena);
            long openedAt = 0;
            while (running) {
                if (port == null) {
                    if (open()) {
                        openedAt = System.nanoTime();
                    } else {
                        pause(retryMillis);
                        retryMillis = Math.min(retryMillis * 2, LAST_RETRY_MILLIS);
                    }
                    continue;
                }
                try {
                    short events = Libc.pollIn(port.fd(), POLL_MILLIS, pollfd, pollErrno);
                    if (events != 0) {
                        readBatch(port, (events & POLL_TROUBLE) != 0);
                    }
                } catch (SyscallException failed) {
                    if (failed.interfaceLost()) {
                        boolean flapping = System.nanoTime() - openedAt < STABLE_NANOS;
                        lose(failed, flapping);
                        if (flapping) {
                            // lost again right after opening: a flapping interface gets the back-off too
                            pause(retryMillis);
                            retryMillis = Math.min(retryMillis * 2, LAST_RETRY_MILLIS);
                        } else {
                            retryMillis = FIRST_RETRY_MILLIS;
                        }
                    } else {
                        counters.error();
                        LOG.log(Level.DEBUG, "Link {0}: {1}", name, failed.getMessage());
                    }
                }
            }
        } catch (RuntimeException | Error unexpected) {
            state = LinkState.DOWN;
            lastError = unexpected.toString();
            LOG.log(Level.ERROR, "Link " + name + " reader stopped", unexpected);
        } finally {
            if (!running) {
                replacePort(null);
            }
        }
    }

    private boolean open() {
        try {
            Port opened = opener.open();
            replacePort(opened);
            state = LinkState.UP;
            LOG.log(Level.INFO, "Link {0} up: {1} {2}, MTU {3}", name, type.key(), interfaceName,
                    String.valueOf(opened.mtu()));
            return true;
        } catch (SyscallException failed) {
            String reason = explain(failed);
            if (!reason.equals(lastError)) {
                LOG.log(Level.ERROR, "Link {0} ({1} {2}) cannot open: {3}; retrying", name, type.key(), interfaceName,
                        reason);
            }
            lastError = reason;
            state = LinkState.DOWN;
            return false;
        }
    }

    private String explain(SyscallException failed) {
        return switch (failed.errno()) {
            case Errno.EACCES -> failed.getMessage() + (type == LinkType.TAP
                    ? " - the appliance may not open /dev/net/tun (its mode or owner) and needs CAP_NET_ADMIN"
                    : " - the appliance needs CAP_NET_RAW for a packet socket");
            case Errno.EPERM -> failed.getMessage() + " - the appliance needs "
                    + (type == LinkType.TAP ? "CAP_NET_ADMIN to create a TAP" : "CAP_NET_RAW for a packet socket");
            case Errno.ENODEV -> failed.getMessage() + " - no interface '" + interfaceName + "' in this namespace";
            default -> failed.getMessage();
        };
    }

    /**
     * Reads up to {@link #BATCH} waiting frames. After a poll error the read is still tried:
     * it is what tells us the errno (e.g. EBADFD once a TAP's namespace is gone).
     */
    private void readBatch(Port open, boolean pollReportedTrouble) throws SyscallException {
        int capacity = Frames.HEADROOM + Frames.ETHERNET_HEADER + Frames.VLAN_TAG + open.mtu();
        for (int i = 0; i < BATCH && running; i++) {
            // No cap on growth: consumers may rewrite frames in place (tags, replies) and need room.
            ByteBuf buffer = allocator.directBuffer(capacity);
            buffer.setIndex(Frames.HEADROOM, Frames.HEADROOM);
            boolean got;
            try {
                got = open.receive(buffer);
            } catch (Port.OversizeFrameException tooBig) {
                buffer.release();
                counters.drop();
                continue;
            } catch (SyscallException | RuntimeException failed) {
                buffer.release();
                throw failed;
            }
            if (!got) {
                buffer.release();
                if (pollReportedTrouble && i == 0) {
                    throw new SyscallException("poll", Errno.EBADFD);
                }
                return;
            }
            deliver(buffer);
        }
    }

    private void deliver(ByteBuf frame) {
        counters.received(frame.readableBytes());
        FrameReceiver current = ownership.receiver();
        if (current == null) {
            counters.drop();
            frame.release();
            return;
        }
        try {
            current.receive(frame);
        } catch (RuntimeException receiverBug) {
            counters.error();
            LOG.log(Level.WARNING, "Link " + name + ": the receiver threw", receiverBug);
        }
    }

    private void lose(SyscallException failed, boolean flapping) {
        counters.down();
        state = LinkState.DOWN;
        lastError = failed.getMessage();
        // one line per real loss; a link lost again right after reopening is counted, not logged again
        LOG.log(flapping ? Level.DEBUG : Level.WARNING, "Link {0} ({1} {2}) down: {3}; reopening with back-off", name,
                type.key(), interfaceName, failed.getMessage());
        replacePort(null);
    }

    private void replacePort(Port next) {
        portLock.writeLock().lock();
        try {
            Port previous = port;
            port = next;
            if (previous != null && previous != next) {
                previous.close();
            }
        } finally {
            portLock.writeLock().unlock();
        }
    }

    /** Sleeps in poll-sized slices so close() is not held up by a long back-off. */
    private void pause(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
