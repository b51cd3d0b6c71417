package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramPacket;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * Writes one burst of packets to the socket, on its loop. With UDP segmentation offload
 * (GSO, Linux 4.18+), a run of packets of one size to one site becomes one datagram of
 * several segments that the kernel cuts on the way out: one traversal of the sending
 * stack and of veth/bridge for up to {@link #MAX_SEGMENTS} packets, where a plain
 * {@code sendmmsg} still costs a full traversal per packet. A run ends at another site,
 * at a longer packet, or after a shorter one (which becomes its last segment, as GSO
 * allows). Its packets are copied into one buffer: a memory copy is cheap next to the
 * kernel's per-packet work. If the kernel refuses a segmented send (a device without
 * checksum offload answers EIO), segmentation is switched off and packets go one by one.
 */
final class BurstWriter implements PacketRing.Sink {
    /** The transport's segmented datagrams; {@code null} where the transport has none. */
    interface Segmenter {
        DatagramPacket segmented(ByteBuf segments, int segmentSize, InetSocketAddress to);

        /** Whether a failed segmented send means that the kernel cannot segment (not a passing error). */
        boolean refusal(Throwable cause);
    }

    /** The kernel's UDP_MAX_SEGMENTS (64 before Linux 6.x, more since). */
    static final int MAX_SEGMENTS = 64;
    /** The largest UDP payload in one IPv4 datagram. */
    static final int MAX_RUN_BYTES = 65_507;
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final Segmenter segmenter;
    private final ChannelFutureListener segmentedSendFailed = this::segmentedSendDone;
    private volatile boolean segmenting;
    private Channel out;
    private ByteBuf first;
    private ByteBuf merged;
    private InetSocketAddress runTo;
    private int segmentSize;
    private int segments;

    BurstWriter(Segmenter segmenter) {
        this.segmenter = segmenter;
        this.segmenting = segmenter != null;
    }

    boolean segmenting() {
        return segmenting;
    }

    /** Starts a burst towards {@code socket}. */
    void begin(Channel socket) {
        out = socket;
    }

    @Override
    public void accept(ByteBuf packet, InetSocketAddress to) {
        if (!segmenting) {
            out.write(new DatagramPacket(packet, to), out.voidPromise());
            return;
        }
        int length = packet.readableBytes();
        if (segments > 0 && joins(length, to)) {
            append(packet);
            if (length < segmentSize) {
                endRun(); // a shorter segment can only be the last one
            }
            return;
        }
        endRun();
        first = packet;
        runTo = to;
        segmentSize = length;
        segments = 1;
    }

    /** Writes the open run; the caller flushes. */
    void end() {
        endRun();
        out = null;
    }

    private boolean joins(int length, InetSocketAddress to) {
        return joins(runTo, segments, segmentSize, length, to);
    }

    /**
     * Whether a packet of {@code length} bytes to {@code to} may join a run of
     * {@code segments} packets of {@code segmentSize} to {@code runTo} (also {@link DatagramSender}'s rule).
     */
    static boolean joins(InetSocketAddress runTo, int segments, int segmentSize, int length, InetSocketAddress to) {
        return (to == runTo || to.equals(runTo)) && length <= segmentSize && length > 0
                && segments < MAX_SEGMENTS && (long) segments * segmentSize + length <= MAX_RUN_BYTES;
    }

    private void append(ByteBuf packet) {
        if (merged == null) {
            int room = Math.min(MAX_RUN_BYTES, segmentSize * MAX_SEGMENTS);
            merged = out.alloc().directBuffer(room, room);
            copy(first, merged);
            first.release();
            first = null;
        }
        copy(packet, merged);
        packet.release();
        segments++;
    }

    /**
     * Appends {@code from}'s readable bytes. Through both buffers' internal NIO views when
     * each is one piece of memory: ByteBuf.writeBytes would make a new ByteBuffer view per
     * copy when Netty cannot use Unsafe (the default on JDK 25).
     */
    static void copy(ByteBuf from, ByteBuf to) {
        int length = from.readableBytes();
        if (from.nioBufferCount() != 1 || to.nioBufferCount() != 1) {
            to.writeBytes(from, from.readerIndex(), length);
            return;
        }
        to.internalNioBuffer(to.writerIndex(), length).put(from.internalNioBuffer(from.readerIndex(), length));
        to.writerIndex(to.writerIndex() + length);
    }

    private void endRun() {
        if (segments == 0) {
            return;
        }
        if (merged == null) {
            out.write(new DatagramPacket(first, runTo), out.voidPromise());
        } else {
            out.write(segmenter.segmented(merged, segmentSize, runTo), out.newPromise().addListener(segmentedSendFailed));
        }
        first = null;
        merged = null;
        runTo = null;
        segments = 0;
    }

    private void segmentedSendDone(ChannelFuture sent) {
        Throwable cause = sent.cause();
        if (cause != null && segmenter.refusal(cause) && segmenting) {
            segmenting = false;
            LOG.log(Level.WARNING, "VXLAN endpoint: the kernel refused a segmented (GSO) send ({0}); sending packet by packet",
                    String.valueOf(cause));
        }
    }
}
