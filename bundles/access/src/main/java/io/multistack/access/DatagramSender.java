package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

/**
 * Writes the packets of one endpoint socket with our own {@code sendmmsg}, on the socket's
 * loop: no {@code DatagramPacket}, promise or outbound-buffer entry per packet. Each packet
 * becomes one message of {@link #SLOTS} preallocated native ones ({@link SendSlots}) whose
 * iovec points straight at the packet's memory, so a packet is released only once the
 * kernel has taken it. A packet that is not one piece of direct memory (a heap or composite
 * buffer) is copied into a pooled direct one first.
 *
 * <p>With UDP GSO, a run of packets of one size to one site becomes one message with a
 * {@code UDP_SEGMENT} control message, as {@link BurstWriter} builds runs for Netty (same
 * rules, same merge copy). If the kernel refuses a segmented message (EIO, EINVAL,
 * EOPNOTSUPP), segmentation is switched off for good (logged once) and the refused runs are
 * sent segment by segment from their merged buffers.
 *
 * <p>{@code sendmmsg} sends messages from the first on and returns how many; when it stops
 * early, the next call starts at the message that failed and returns its error. EAGAIN and
 * ENOBUFS (the socket's send buffer is full) leave the rest queued in order and ask the
 * socket's handle for EPOLLOUT ({@link Interest}); {@link #writable()} resumes, and only then
 * does the ring's drain go on, so the ring (bounded, dropping with a count) takes the
 * back-pressure, as Netty's water mark did before. EINTR is retried. Any other error (no
 * route, EMSGSIZE, EPERM from a firewall...) drops that one message, counted as a send error,
 * and the next goes on. Nothing is thrown into the loop.
 *
 * <p>Single-threaded: every method runs on the socket's loop.
 */
final class DatagramSender implements PacketRing.Sink {
    /** Messages per {@code sendmmsg}; a burst of {@link SiteSender#BURST} plain packets takes 4 calls. */
    static final int SLOTS = 128;
    private static final Logger LOG = System.getLogger("io.multistack.access");
    /** OpenJDK's {@code Inet4Address.hashCode()} is the address as an int: read without copying bytes. */
    private static final boolean HASH_IS_ADDRESS = hashIsAddress();

    /** The system call: messages sent from {@code messages} on, or {@code -errno}. A seam for tests. */
    interface SendCall {
        int send(MemorySegment messages, int count);
    }

    /** Whether the socket's handle should also wait for EPOLLOUT. */
    interface Interest {
        void writable(boolean wanted);
    }

    private final SendSlots slots;
    private final SendCall call;
    private final Interest interest;
    private final ByteBufAllocator allocator;
    /** Takes the errno of each message dropped for an error. */
    private final IntConsumer sendErrors;
    /** Per slot: the buffer its iovec points into, released once sent. */
    private final ByteBuf[] held = new ByteBuf[SLOTS];
    /** Per slot: how many ring packets it carries (a merged run carries several). */
    private final int[] packets = new int[SLOTS];
    /** Per slot: the segment size of a merged run, 0 for a single packet. */
    private final int[] segmentSize = new int[SLOTS];
    /** Per slot sent segment by segment (the kernel refused it whole): bytes after the current segment. */
    private final int[] splitRest = new int[SLOTS];
    private boolean segmenting;
    /** Slots [next, filled) hold messages not yet sent. */
    private int next;
    private int filled;
    /** Slots sent segment by segment whose later segments are still to go. */
    private int splits;
    /** The open run is in slot {@code filled - 1}. */
    private int runSegments;
    private int runSegmentSize;
    private InetSocketAddress runTo;
    /** EAGAIN/ENOBUFS: waiting for EPOLLOUT. */
    private boolean blocked;
    /** A packet taken from the ring while every slot was waiting; placed first when writable. */
    private ByteBuf parked;
    private InetSocketAddress parkedTo;
    private InetSocketAddress lastTo;
    private int lastIpv4;
    private int lastPort;
    private boolean closed;
    private Runnable onWritable = () -> {};
    private LongAdder unsent = new LongAdder();

    DatagramSender(SendSlots slots, SendCall call, Interest interest, ByteBufAllocator allocator, boolean segmenting,
            IntConsumer sendErrors) {
        if (slots.count() != SLOTS) {
            throw new IllegalArgumentException(slots.count() + " slots, not " + SLOTS);
        }
        this.slots = slots;
        this.call = call;
        this.interest = interest;
        this.allocator = allocator;
        this.segmenting = segmenting;
        this.sendErrors = sendErrors;
    }

    /**
     * The {@link SiteSender} feeding this socket: {@code onWritable} (on the loop) resumes its
     * drain after a blocked send, and packets released unsent at close are counted in
     * {@code unsent}. Before the sender is handed to it.
     */
    void attach(Runnable onWritable, LongAdder unsent) {
        this.onWritable = onWritable;
        this.unsent = unsent;
    }

    /** Whether runs of packets go out as segmented messages (GSO). */
    boolean segmenting() {
        return segmenting;
    }

    /** Whether the drain may hand over more packets now (not waiting for EPOLLOUT). */
    boolean ready() {
        return !blocked && parked == null && !closed;
    }

    boolean closed() {
        return closed;
    }

    /** A packet from the ring; queued in a slot, sent when the slots are full or the burst ends. */
    @Override
    public void accept(ByteBuf packet, InetSocketAddress to) {
        if (closed) {
            unsent.increment();
            packet.release();
            return;
        }
        int length = packet.readableBytes();
        if (runSegments > 0 && BurstWriter.joins(runTo, runSegments, runSegmentSize, length, to)) {
            append(packet);
            if (length < runSegmentSize) {
                endRun(); // a shorter segment can only be the last one
            }
            return;
        }
        endRun();
        if (filled == SLOTS) {
            send();
            if (filled == SLOTS) { // blocked with every slot waiting
                parked = packet;
                parkedTo = to;
                return;
            }
        }
        if (!aim(filled, to)) {
            sendErrors.accept(SocketCalls.EAFNOSUPPORT); // not an IPv4 destination: cannot happen from a tunnel
            packet.release();
            return;
        }
        place(filled, packet);
        filled++;
        if (segmenting) {
            runSegments = 1;
            runSegmentSize = length;
            runTo = to;
        }
    }

    /** The drain's burst is over: send what is queued (unless waiting for EPOLLOUT anyway). */
    void endBurst() {
        endRun();
        if (!blocked) {
            send();
        }
    }

    /** EPOLLOUT: send what waited, then let the drain go on. */
    void writable() {
        if (!blocked || closed) {
            return;
        }
        send();
        if (blocked) {
            return;
        }
        if (parked != null) {
            ByteBuf packet = parked;
            InetSocketAddress to = parkedTo;
            parked = null;
            parkedTo = null;
            accept(packet, to);
        }
        onWritable.run(); // the drain's next burst sends the parked packet with the rest
    }

    /** Writes the slot's destination; false when it is not IPv4. */
    private boolean aim(int slot, InetSocketAddress to) {
        if (to != lastTo) {
            InetAddress address = to.getAddress();
            if (!(address instanceof Inet4Address ipv4)) {
                return false;
            }
            lastIpv4 = HASH_IS_ADDRESS ? ipv4.hashCode() : io.multistack.wire.Ipv4Address.toInt(ipv4);
            lastPort = to.getPort();
            lastTo = to;
        }
        slots.destination(slot, lastIpv4, lastPort);
        return true;
    }

    private void place(int slot, ByteBuf packet) {
        int length = packet.readableBytes();
        ByteBuf payload = packet;
        if (!packet.isDirect() || packet.nioBufferCount() != 1) {
            payload = allocator.directBuffer(length, length);
            BurstWriter.copy(packet, payload);
            packet.release();
        }
        slots.payload(slot, MessageSlots.address(payload, payload.readerIndex(), length), length);
        held[slot] = payload;
        packets[slot] = 1;
        segmentSize[slot] = 0;
        splitRest[slot] = 0;
    }

    /** Adds a packet to the run in the last slot, merging the run into one buffer at its second packet. */
    private void append(ByteBuf packet) {
        int slot = filled - 1;
        ByteBuf merged = held[slot];
        if (segmentSize[slot] == 0) {
            int room = Math.min(BurstWriter.MAX_RUN_BYTES, runSegmentSize * BurstWriter.MAX_SEGMENTS);
            merged = allocator.directBuffer(room, room);
            ByteBuf first = held[slot];
            BurstWriter.copy(first, merged);
            first.release();
            held[slot] = merged;
            segmentSize[slot] = runSegmentSize;
            slots.payload(slot, MessageSlots.address(merged, 0, room), 0);
            slots.segmented(slot, runSegmentSize);
        }
        BurstWriter.copy(packet, merged);
        packet.release();
        slots.length(slot, merged.readableBytes());
        packets[slot]++;
        runSegments++;
    }

    private void endRun() {
        runSegments = 0;
        runTo = null;
    }

    /** sendmmsg until every queued message is sent or dropped, or the socket is full. */
    private void send() {
        while (next < filled) {
            int count = splits == 0 ? filled - next : untilSplit();
            int sent = call.send(slots.from(next), count);
            if (sent > 0) {
                sent(sent);
                continue;
            }
            int errno = -sent;
            if (errno == SocketCalls.EINTR) {
                continue;
            }
            if (errno == SocketCalls.EAGAIN || errno == SocketCalls.ENOBUFS || sent == 0) {
                block();
                return;
            }
            if (slots.segmentedAt(next) && refusal(errno)) {
                segmentationRefused(errno);
                continue;
            }
            sendErrors.accept(errno);
            release(next);
            next++;
        }
        next = 0;
        filled = 0;
        if (blocked) {
            blocked = false;
            interest.writable(false);
        }
    }

    /** Messages from {@code next} up to the first one with segments still to go after this call. */
    private int untilSplit() {
        int end = next;
        while (end < filled - 1 && splitRest[end] == 0) {
            end++;
        }
        return end + 1 - next;
    }

    /** The first {@code count} messages from {@code next} are sent. */
    private void sent(int count) {
        for (int slot = next; slot < next + count; slot++) {
            if (splitRest[slot] > 0) { // the last in this call: on to its next segment
                nextSegment(slot);
                return;
            }
            release(slot);
        }
        next += count;
    }

    private void nextSegment(int slot) {
        long current = slots.length(slot);
        int length = Math.min(segmentSize[slot], splitRest[slot]);
        slots.payload(slot, slots.base(slot) + current, length);
        splitRest[slot] -= length;
        if (splitRest[slot] == 0) {
            splits--;
        }
        next = slot;
    }

    private void block() {
        if (!blocked) {
            blocked = true;
            interest.writable(true);
        }
    }

    private static boolean refusal(int errno) {
        return errno == SocketCalls.EIO || errno == SocketCalls.EINVAL || errno == SocketCalls.EOPNOTSUPP;
    }

    /** The kernel cannot segment: no more runs, and the queued ones go segment by segment. */
    private void segmentationRefused(int errno) {
        if (segmenting) {
            segmenting = false;
            LOG.log(Level.WARNING, "VXLAN endpoint: the kernel refused a segmented (GSO) send ({0}); sending packet by packet",
                    SocketCalls.errnoName(errno));
        }
        for (int slot = next; slot < filled; slot++) {
            if (slots.segmentedAt(slot)) {
                int total = (int) slots.length(slot);
                int first = Math.min(segmentSize[slot], total);
                slots.payload(slot, slots.base(slot), first); // and no UDP_SEGMENT any more
                splitRest[slot] = total - first;
                if (splitRest[slot] > 0) {
                    splits++;
                }
            }
        }
    }

    private void release(int slot) {
        ByteBuf payload = held[slot];
        held[slot] = null;
        if (splitRest[slot] > 0) {
            splitRest[slot] = 0;
            splits--;
        }
        if (payload != null) {
            payload.release();
        }
    }

    /** On the loop, before the native memory is freed: what waits is released and counted unsent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int slot = next; slot < filled; slot++) {
            unsent.add(packets[slot]);
            release(slot);
        }
        next = 0;
        filled = 0;
        endRun();
        if (parked != null) {
            unsent.increment();
            parked.release();
            parked = null;
            parkedTo = null;
        }
    }


    private static boolean hashIsAddress() {
        try {
            InetAddress probe = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) 200});
            return probe instanceof Inet4Address && probe.hashCode() == 0xC0_00_02_C8;
        } catch (UnknownHostException impossible) { // four bytes are always an address
            return false;
        }
    }
}
