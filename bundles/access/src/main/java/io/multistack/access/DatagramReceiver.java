package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one endpoint socket with our own {@code recvmmsg} instead of Netty's: no
 * {@code DatagramPacket}, {@code InetSocketAddress} or 64 KiB arena buffer per read, the
 * sender as an int, and {@code MSG_TRUNC} from the kernel instead of a guess.
 *
 * <p>It is the reading part of an {@link EndpointSocket}, which holds a dup(2) of the
 * socket's descriptor in the socket's own epoll loop, so Netty keeps the socket while reads
 * are ours; the channel is bound with {@code AUTO_READ} off so that Netty never reads it.
 * The interest is level-triggered: a {@code recvmmsg} that fills fewer slots than it has
 * ends the turn without the extra call that edge triggering needs to see EAGAIN, and a
 * flood is read at most {@link #READS_PER_EVENT} calls at a time, after which the loop runs
 * its tasks (the sends) and epoll reports the socket again.
 *
 * <p>Each read fills one pooled buffer of {@link #SLOTS} slots; a datagram is handed on as
 * a retained slice of it (a slice of the pooled allocator has its own reference count, so
 * the trunk can tag it in place). The receiver keeps its own reference and reads into the
 * same buffer again once every slice of the last read has been released (reference count
 * back to one), as NIC drivers reuse a receive page nobody holds: a ping or a request
 * answered within the loop's turn costs no allocation, and lands in memory that is still
 * in the cache instead of the pool's least recently freed buffer. A buffer whose frames a
 * tenant still holds (TCP's queues) is left to them and a fresh one is taken.
 * Everything else, the native {@code mmsghdr}/{@code iovec}/name arrays and the errno
 * capture, is allocated once, in the {@link EndpointSocket}'s arena, and freed with it.
 *
 * <p>With the kernel's UDP GRO on the socket ({@code UDP_GRO}, {@link #coalescing}), a
 * datagram may be a run of up to 64 segments of one size, each one VXLAN packet, as the
 * receiving interface's GRO merged them; the segment size comes in a control message. A run
 * cut short would lose packets, so each slot has a second iovec, an overflow of its own
 * (a pooled buffer of {@link #COALESCED_SLOT_BYTES}) after its place in the shared buffer: a
 * datagram of ordinary size lands in the shared buffer and is handed on as above, with no
 * copy, while a run spills into the overflow. Its first part is then copied to the
 * overflow's head, which was left free for it, and the run is handed on as retained slices
 * of the overflow, which the slot gives up for a fresh one. A frame a tenant holds thus
 * keeps at most 32 KiB alive, or the 64 KiB of its run.
 */
final class DatagramReceiver {
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
    /** A slot that can take a coalesced run: the largest UDP datagram. */
    static final int COALESCED_SLOT_BYTES = 65_536;
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final int fd;
    private final SiteDatagrams sink;
    private final ByteBufAllocator allocator;
    private final MessageSlots slots;
    private final MemorySegment callState;
    private final LongAdder errors = new LongAdder();
    private final LongAdder coalescedRuns = new LongAdder();
    /** With {@link #coalescing}: each slot's overflow, null once handed on with a run. */
    private final ByteBuf[] overflows;
    /** The buffer of the last read, with our reference; null before the first. */
    private ByteBuf readBuffer;
    private boolean closed;

    /** Reads descriptor {@code fd}, with native memory from {@code arena}. */
    DatagramReceiver(Arena arena, int fd, SiteDatagrams sink, ByteBufAllocator allocator) {
        this(arena, fd, sink, allocator, false);
    }

    /** As above; {@code coalescing} when {@code UDP_GRO} is on for the socket. */
    DatagramReceiver(Arena arena, int fd, SiteDatagrams sink, ByteBufAllocator allocator, boolean coalescing) {
        this.fd = fd;
        this.sink = sink;
        this.allocator = allocator;
        this.slots = coalescing ? new MessageSlots(arena, SLOTS, SLOT_BYTES, true, COALESCED_SLOT_BYTES - SLOT_BYTES)
                : new MessageSlots(arena, SLOTS, SLOT_BYTES);
        this.overflows = coalescing ? new ByteBuf[SLOTS] : null;
        this.callState = arena.allocate(SocketCalls.CALL_STATE);
    }

    /** Whether datagrams may come as runs of segments (UDP GRO). */
    boolean coalescing() {
        return overflows != null;
    }

    /** Runs of datagrams received as one (UDP GRO), for statistics and tests. */
    long coalescedRuns() {
        return coalescedRuns.sum();
    }

    /** Links the native calls; throws what FFM throws without native access, or off LP64. */
    static void checkNativeAccess() {
        SocketCalls.check();
        MessageSlots.checkPlatform();
    }

    /** The socket is readable (or has an error, which the next read returns and clears). */
    void readable() {
        for (int read = 0; read < READS_PER_EVENT && !closed; read++) {
            if (readBatch() < SLOTS) {
                return; // the socket is empty now, or was: the level trigger says when there is more
            }
        }
    }

    /** One recvmmsg: the number of datagrams read (0 on EAGAIN or an error). */
    private int readBatch() {
        return overflows != null ? readCoalescing() : readIntoOneBuffer();
    }

    /**
     * One recvmmsg into the shared buffer's slots, each with its overflow for a run. Kept as
     * small as {@link #readIntoOneBuffer}: inlined whole, the JIT removes the memory segment
     * FFM makes per call for the errno capture; a larger method allocated it per read.
     */
    private int readCoalescing() {
        ByteBuf buffer = freeReadBuffer();
        aimEmptyOverflows();
        int received = SocketCalls.recvmmsg(callState, fd, slots.messages(), SLOTS);
        if (received < 0) {
            failed(-received);
            return 0;
        }
        for (int slot = 0; slot < received; slot++) {
            int segment = slots.segmentSize(slot);
            if (segment > 0 && slots.length(slot) > segment) {
                handOnRun(buffer, slot, segment);
            } else {
                handOn(buffer, slot);
            }
        }
        return received;
    }

    /** Gives each slot whose overflow went with a run a fresh one. */
    private void aimEmptyOverflows() {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (overflows[slot] == null) {
                ByteBuf overflow = allocator.directBuffer(COALESCED_SLOT_BYTES, COALESCED_SLOT_BYTES);
                overflows[slot] = overflow;
                slots.aimOverflow(slot, MessageSlots.address(overflow, SLOT_BYTES, COALESCED_SLOT_BYTES - SLOT_BYTES));
            }
        }
    }

    /**
     * Hands on each datagram of the run in {@code slot}: slices of the shared buffer when the
     * run fits the slot, else of the slot's overflow, made whole by copying the run's head there.
     */
    private void handOnRun(ByteBuf buffer, int slot, int segment) {
        long sender = slots.senderIpv4(slot);
        if (sender == MessageSlots.NOT_IPV4) {
            return;
        }
        int length = slots.length(slot);
        int start = slot * SLOT_BYTES;
        try {
            if (slots.truncated(slot) || segment > SLOT_BYTES) { // no VXLAN packet is that long
                sink.truncated(buffer.retainedSlice(start, Math.min(length, SLOT_BYTES)));
                return;
            }
            coalescedRuns.increment();
            if (length <= SLOT_BYTES) {
                cut(buffer, start, length, segment, sender);
                return;
            }
            ByteBuf run = overflows[slot];
            overflows[slot] = null; // the run's packets keep it; the next read takes a fresh one
            try {
                run.setBytes(0, buffer, start, SLOT_BYTES); // the run's head, before the rest
                cut(run, 0, length, segment, sender);
            } finally {
                run.release();
            }
        } catch (RuntimeException bug) { // never into the loop: Netty would pause it for a second
            count("handling a datagram: " + bug);
        }
    }

    /** Hands on the {@code length} bytes at {@code start} as datagrams of {@code segment} bytes (the last shorter). */
    private void cut(ByteBuf buffer, int start, int length, int segment, long sender) {
        for (int at = 0; at < length; at += segment) {
            sink.fromSite((int) sender, buffer.retainedSlice(start + at, Math.min(segment, length - at)));
        }
    }

    /** One recvmmsg into one buffer of all slots, whose datagrams are handed on as slices. */
    private int readIntoOneBuffer() {
        ByteBuf buffer = freeReadBuffer();
        int received = SocketCalls.recvmmsg(callState, fd, slots.messages(), SLOTS);
        if (received < 0) {
            failed(-received);
            return 0;
        }
        for (int slot = 0; slot < received; slot++) {
            handOn(buffer, slot);
        }
        return received;
    }

    /** The last read's buffer if no slice of it is held any more, else a fresh one, with the slots aimed at it. */
    private ByteBuf freeReadBuffer() {
        ByteBuf buffer = readBuffer;
        if (buffer != null && buffer.refCnt() == 1) {
            slots.resetAll(); // the slots still point into it; the kernel changed their name lengths
            return buffer;
        }
        if (buffer != null) {
            buffer.release(); // its frames are held elsewhere: they free it
        }
        buffer = allocator.directBuffer(SLOTS * SLOT_BYTES, SLOTS * SLOT_BYTES);
        readBuffer = buffer;
        slots.pointInto(MessageSlots.address(buffer, 0, buffer.capacity()));
        return buffer;
    }

    private void handOn(ByteBuf buffer, int slot) {
        long sender = slots.senderIpv4(slot);
        if (sender == MessageSlots.NOT_IPV4) {
            return; // the endpoint listens on IPv4 only
        }
        int length = slots.length(slot); // over a slot only with an overflow (UDP GRO) to take the rest
        ByteBuf datagram = buffer.retainedSlice(slot * SLOT_BYTES, Math.min(length, SLOT_BYTES));
        try {
            if (slots.truncated(slot) || length > SLOT_BYTES) { // longer than any VXLAN packet: cut
                sink.truncated(datagram);
            } else {
                sink.fromSite((int) sender, datagram);
            }
        } catch (RuntimeException bug) { // never into the loop: Netty would pause it for a second
            count("handling a datagram: " + bug);
        }
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

    /** On the loop: reads no more (the {@link EndpointSocket} frees the memory next). */
    void close() {
        closed = true;
        if (readBuffer != null) {
            readBuffer.release();
            readBuffer = null;
        }
        if (overflows != null) {
            for (int slot = 0; slot < SLOTS; slot++) {
                if (overflows[slot] != null) {
                    overflows[slot].release();
                    overflows[slot] = null;
                }
            }
        }
    }
}
