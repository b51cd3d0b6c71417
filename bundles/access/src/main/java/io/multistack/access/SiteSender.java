package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The way out towards the sites. Packets come from any thread (tenant loops, link readers);
 * writing each from there would cost one task and one system call per packet. Instead they
 * wait in a bounded ring, and one task on the endpoint's loop writes every packet queued so
 * far, so that the burst leaves with few {@code sendmmsg} calls (and runs of same-size
 * packets as single GSO datagrams). A full ring drops the packet (counted): a flood never
 * grows memory.
 *
 * <p>Two ways to write, one per socket: with epoll and native access, our own
 * {@link DatagramSender} ({@code sendmmsg} through FFM, nothing allocated per packet), which
 * stops the drain while the socket's send buffer is full and resumes it on EPOLLOUT; or
 * Netty's channel ({@link BurstWriter}: a {@code DatagramPacket} per packet, one flush per
 * burst), where the drain stops while the channel's outbound buffer is above its high-water
 * mark and resumes when the channel says it is writable again.
 *
 * <p>While our own socket on this loop hands on what one readiness event read
 * ({@link EndpointSocket.ReadBursts}), packets sent on the loop wait for the reads' end
 * instead of a task: what the stacks answer while handling the read (a ping's reply) leaves
 * at its end, with no trip through the loop's task queue.
 */
final class SiteSender implements TunnelSwitch.Underlay, EndpointSocket.ReadBursts {
    static final int CAPACITY = 4096;
    /** Packets written per task; then the loop gets to read again before the next burst. */
    static final int BURST = 512;

    private final Executor loop;
    private final BooleanSupplier onLoopThread;
    private final PacketRing ring;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder overflow = new LongAdder();
    private final LongAdder unsent = new LongAdder();
    private final Runnable drain = this::drain;
    private final BurstWriter writer;
    private final PacketRing.Sink discard = this::discard;
    private volatile Channel channel;
    /** Our own sender of the socket, on the same loop; when set, {@link #channel} is not used. */
    private volatile DatagramSender own;
    /** The socket's reads are being handed on (loop thread only; other threads may see a stale value). */
    private boolean reading;
    /** Packets were queued on the loop while {@link #reading}; written when the reads end. */
    private boolean heldForReadsEnd;

    /**
     * @param loop the event loop of every channel given to {@link #channel(Channel)}
     * @param segmenter the transport's segmented datagrams (GSO), or {@code null}
     */
    SiteSender(Executor loop, BurstWriter.Segmenter segmenter) {
        this(loop, CAPACITY, segmenter);
    }

    SiteSender(Executor loop, int capacity, BurstWriter.Segmenter segmenter) {
        this.loop = loop;
        this.onLoopThread = loop instanceof EventExecutor executor ? executor::inEventLoop : () -> false;
        this.ring = new PacketRing(capacity);
        this.writer = new BurstWriter(segmenter);
    }

    /** The socket to write to through Netty, or {@code null} when there is none: what waits is then released. */
    void channel(Channel socket) {
        this.own = null;
        this.channel = socket;
        scheduleDrain();
    }

    /** Writes with our own sender of a socket on this sender's loop from now on. */
    void socket(DatagramSender sender) {
        sender.attach(this::writable, unsent);
        this.channel = null;
        this.own = sender;
        scheduleDrain();
    }

    /** Any thread. Takes ownership of the packet; false when it was dropped (ring full). */
    @Override
    public boolean send(ByteBuf packet, InetSocketAddress to) {
        if (!ring.offer(packet, to)) {
            overflow.increment();
            packet.release();
            return false;
        }
        if (reading && onLoopThread.getAsBoolean()) {
            heldForReadsEnd = true; // written by readsEnd(), later in this turn of the loop
            return true;
        }
        scheduleDrain();
        return true;
    }

    /** On the loop: the socket's reads of one readiness event begin. */
    @Override
    public void readsBegin() {
        reading = true;
    }

    /** On the loop: the reads ended; what they made the tenants send is written now. */
    @Override
    public void readsEnd() {
        reading = false;
        if (heldForReadsEnd) {
            heldForReadsEnd = false;
            drain();
        }
    }

    /** The socket became writable again (called on its loop): resume a stopped drain. */
    void writable() {
        scheduleDrain();
    }

    /** Whether runs of packets go out as segmented datagrams (GSO). */
    boolean segmenting() {
        DatagramSender direct = own;
        return direct != null ? direct.segmenting() : writer.segmenting();
    }

    /** Packets dropped because the ring was full. */
    long overflowDrops() {
        return overflow.sum();
    }

    /** Packets released unsent because there was no socket or the loop had stopped. */
    long unsentDrops() {
        return unsent.sum();
    }

    private void scheduleDrain() {
        if (!drainScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.execute(drain);
        } catch (RejectedExecutionException stopped) {
            // the endpoint is closing: nothing will write these any more
            drainScheduled.set(false);
            discardQueued();
        }
    }

    /**
     * One burst. The flag is cleared first: a packet offered from now on schedules the next
     * task itself, and one offered before is written by this one. Synchronized only so that
     * {@link #discardQueued()} from a producer after the loop stopped stays the sole consumer.
     */
    private synchronized void drain() {
        drainScheduled.set(false);
        DatagramSender direct = own;
        if (direct != null) {
            drainTo(direct);
            return;
        }
        Channel socket = channel;
        if (socket == null || !socket.isActive()) {
            ring.drain(discard, Integer.MAX_VALUE);
            return;
        }
        writer.begin(socket);
        int written = 0;
        while (written < BURST && socket.isWritable() && ring.drain(writer, 1) == 1) {
            written++;
        }
        writer.end();
        if (written > 0) {
            socket.flush();
        }
        if (written == BURST && socket.isWritable() && !ring.isEmpty()) {
            scheduleDrain(); // more queued: after the loop's next turn of I/O
        }
        // not writable: channelWritabilityChanged calls writable() once the socket took the burst
    }

    /** One burst through our own sender; it sends as its slots fill and at the burst's end. */
    private void drainTo(DatagramSender out) {
        if (out.closed()) {
            ring.drain(discard, Integer.MAX_VALUE);
            return;
        }
        int written = 0;
        while (written < BURST && out.ready() && ring.drain(out, 1) == 1) {
            written++;
        }
        out.endBurst();
        if (written == BURST && out.ready() && !ring.isEmpty()) {
            scheduleDrain(); // more queued: after the loop's next turn of I/O
        }
        // not ready: the socket's send buffer is full, and EPOLLOUT calls writable()
    }

    private synchronized void discardQueued() {
        ring.drain(discard, Integer.MAX_VALUE);
    }

    private void discard(ByteBuf packet, InetSocketAddress to) {
        unsent.increment();
        packet.release();
    }
}
