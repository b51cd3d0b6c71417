package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The receive side of a connection: RCV.NXT, the advertised window (never shrunk, SWS
 * avoidance of RFC 9293 3.8.6.2.2), in-order and out-of-order queues, when to acknowledge
 * ({@link DelayedAck}; out-of-order data, duplicates and filled holes at once, RFC 5681 4.2),
 * SACK blocks (RFC 2018 4).
 */
final class Receiver {
    static final int STRETCH_ACK_LIMIT = 64 * 1024;
    private final TcpConnection c;
    private final ReceiveQueue queue;
    private final OutOfOrderQueue outOfOrder;
    int bufferSize;
    int irs;
    int rcvNxt;
    int rcvAdv; // right edge of the window we advertised
    int lastAckSent;
    int tsRecent;
    boolean tsRecentValid;
    long lastSegmentAt;
    /** An ACK must leave before this segment's processing ends (out of order, duplicate, hole filled). */
    boolean ackNow;
    final DelayedAck delayedAck;
    /** Null when the buffer size is fixed (set by the application, or no room to grow). */
    private ReceiveBufferTuning tuning;
    private long rttNanos; // receiver-side RTT from timestamp echoes (Linux's rcv_rtt_est), 0 if none
    private boolean finPending;
    private int finSeq;
    private boolean finReceived;
    private int lastOutOfOrderSeq;
    private boolean lastOutOfOrderValid;

    Receiver(TcpConnection c) {
        this.c = c;
        this.bufferSize = c.settings.receiveBuffer();
        this.queue = new ReceiveQueue(c.engine.allocator());
        this.outOfOrder = new OutOfOrderQueue(c.settings.maxOutOfOrderSegments());
        this.delayedAck = new DelayedAck(c.settings.quickAcks());
        if (c.settings.receiveBufferMax() > bufferSize) {
            // grow only once the reader consumes more than half the buffer per RTT: then the window limits
            this.tuning = new ReceiveBufferTuning(bufferSize / 2);
        }
    }

    /** The application chose the size: auto-tuning stops (as SO_RCVBUF does on Linux). */
    void fixBufferSize(int bytes) {
        bufferSize = bytes;
        tuning = null;
    }

    /** An RTT sample from the echo of our timestamp in a data segment, in milliseconds (1 ms resolution). */
    void rttSample(int millis) {
        if (millis < 0 || millis >= 600_000) {
            return;
        }
        long sample = Math.max(1, millis) * 1_000_000L;
        rttNanos = rttNanos == 0 ? sample : rttNanos + (sample - rttNanos) / 8;
    }

    void init(int peerIsn) {
        irs = peerIsn;
        rcvNxt = peerIsn + 1;
        rcvAdv = rcvNxt;
        lastAckSent = rcvNxt;
    }

    int queued() {
        return queue.size();
    }

    boolean finReceived() {
        return finReceived;
    }

    /** RFC 9293 3.10.7.4 acceptability against the window we advertised. */
    boolean acceptable(int seq, int length) {
        int window = Math.max(0, rcvAdv - rcvNxt);
        if (length == 0) {
            // as Linux (tcp_sequence): from the RCV.NXT of our last ACK up to and including the
            // right edge; a stricter test drops a peer's ACKs whose SND.NXT sits at our edge
            return Seq.ge(seq, Seq.min(lastAckSent, rcvNxt)) && Seq.le(seq, rcvNxt + window);
        }
        if (window == 0) {
            return seq == rcvNxt; // a zero-window probe: its ACK counts, its data does not
        }
        return Seq.inRange(seq, rcvNxt, rcvNxt + window) || Seq.inRange(seq + length - 1, rcvNxt, rcvNxt + window);
    }

    /** Accepts payload at {@code seq} (already found acceptable); retains what it keeps. */
    void data(int seq, ByteBuf payload, long now) {
        int start = seq;
        int length = payload.readableBytes();
        int skip = 0;
        if (Seq.lt(start, rcvNxt)) {
            skip = rcvNxt - start;
            start = rcvNxt;
        }
        int windowEnd = Seq.max(rcvAdv, rcvNxt);
        int end = Seq.min(seq + length, windowEnd);
        if (!Seq.lt(start, end)) {
            ackNow = true; // duplicate or beyond the window: tell the peer where we are
            return;
        }
        if (start == rcvNxt) {
            ByteBuf kept = payload.retainedSlice(payload.readerIndex() + skip, end - start);
            boolean fillsHole = !outOfOrder.isEmpty();
            append(kept);
            // in-order data is charged even beyond the budget: it was inside our advertised window
            c.engine.budget().charge(end - start);
            if (fillsHole) {
                int before = outOfOrder.size();
                int moved = 0;
                for (ByteBuf b : outOfOrder.drain(rcvNxt)) {
                    moved += b.readableBytes();
                    append(b); // already charged while out of order
                }
                c.engine.budget().release(before - outOfOrder.size() - moved);
            }
            boolean due = delayedAck.inOrderData(end - start, receiveMss(), bufferSize, c.sender.rtt.rto(), now);
            if (fillsHole) {
                ackNow = true; // RFC 5681 4.2: ACK at once when a segment fills (part of) a hole
            } else if (delayedAck.unackedBytes() >= Math.min(STRETCH_ACK_LIMIT, bufferSize / 2)) {
                // a long batch: acknowledge at most 64 KiB at a time (what one GRO packet covers on
                // Linux), so a peer with a small window or byte-counting slow start keeps going
                ackNow = true;
            } else if (due || freeSpace() < receiveMss()) {
                // every second full segment, quick-ACK mode, or a (nearly) closed window, which a
                // delay would only stall: one ACK at the end of this batch of segments
                c.oweAck();
            } else if (c.delayedAckDeadline == TcpConnection.NONE) {
                c.armDelayedAck(now + c.settings.delayedAckNanos());
            }
            c.signalReadable();
        } else {
            // out of order: keep it if memory allows, and send a duplicate ACK with SACK at once
            int size = end - start;
            if (c.engine.budget().availableTo(queue.size() + outOfOrder.size()) >= size) {
                // a copy of the right size: a slice would keep the frame's whole receive chunk (up
                // to 64 KiB per recvmmsg batch) alive for as long as the hole stays open
                ByteBuf copy = c.engine.allocator().directBuffer(size, size);
                copy.writeBytes(payload, payload.readerIndex() + skip, size);
                int before = outOfOrder.size();
                outOfOrder.add(start, copy);
                c.engine.budget().charge(outOfOrder.size() - before);
            } else {
                c.engine.count("tcp.ooo-no-memory");
            }
            lastOutOfOrderSeq = start;
            lastOutOfOrderValid = true;
            ackNow = true;
        }
    }

    private void append(ByteBuf b) {
        int n = b.readableBytes();
        queue.add(b);
        rcvNxt += n;
    }

    /** Records a FIN at {@code seq}; it takes effect when everything before it has arrived. */
    void fin(int seq) {
        if (!finReceived && Seq.le(seq, Seq.max(rcvAdv, rcvNxt))) {
            finPending = true;
            finSeq = seq;
        }
    }

    /** True once when a pending FIN becomes in order; RCV.NXT then covers it. */
    boolean takeFinInOrder() {
        if (finPending && finSeq == rcvNxt) {
            finPending = false;
            finReceived = true;
            rcvNxt++;
            return true;
        }
        return false;
    }

    ByteBuf read(int maxBytes) {
        ByteBuf data = queue.read(maxBytes, c.engine.allocator());
        if (data != null) {
            c.engine.budget().release(data.readableBytes());
            if (tuning != null) {
                autoTune(data.readableBytes(), c.engine.lastNow());
            }
            if (c.state != null && c.state.synchronized_() && c.state != TcpState.TIME_WAIT) {
                maybeSendWindowUpdate(c.engine.lastNow());
            }
        }
        return data;
    }

    private void autoTune(int bytes, long now) {
        long rtt = rttNanos > 0 ? rttNanos : c.sender.rtt.srtt();
        // no larger than what this connection could hold within the tenant's memory budget
        long held = queue.size() + outOfOrder.size();
        int max = (int) Math.min(c.settings.receiveBufferMax(), Math.max(bufferSize, held + c.engine.budget().available()));
        int size = tuning.afterRead(bytes, now, rtt, bufferSize, receiveMss(), max);
        bufferSize = size;
    }

    /**
     * After the application read: announce a window that opened significantly (RFC 9293
     * 3.8.6.2.2, receiver SWS avoidance: by at least min(buffer/2, MSS)) and at least doubled
     * what the peer may still send (as Linux's tcp_cleanup_rbuf). A reader that keeps up never
     * needs such an update (the ACKs of its data carry the window), a slow one gets it when the
     * peer would otherwise stall; the ACK leaves at the end of the batch, merged with any other.
     */
    void maybeSendWindowUpdate(long now) {
        if (c.state == TcpState.CLOSED || finReceived) {
            return;
        }
        long offerable = Math.min(freeSpace(), 65535L << c.receiveShift); // what the window field can say
        long remaining = Math.max(0, rcvAdv - rcvNxt);
        long grow = offerable - remaining;
        if (grow >= Math.min(bufferSize / 2, receiveMss()) && offerable >= 2 * remaining) {
            c.oweAck();
        }
    }

    private int receiveMss() {
        return Math.max(1, c.sender.receiveMss());
    }

    private int freeSpace() {
        int held = queue.size() + outOfOrder.size();
        long free = Math.min((long) bufferSize - held, c.engine.budget().availableTo(held));
        return (int) Math.max(0, free);
    }

    /** The window field for an outgoing segment; moves RCV.ADV (never backwards). */
    int windowToAdvertise(boolean syn) {
        int free = freeSpace();
        if (syn) {
            int w = Math.min(free, 65535);
            rcvAdv = rcvNxt + w;
            return w;
        }
        int shift = c.receiveShift;
        long max = 65535L << shift;
        int window = (int) Math.min(free, max);
        int right = rcvNxt + window;
        int current = Seq.max(rcvAdv, rcvNxt);
        if (Seq.lt(right, current)) {
            right = current; // never shrink (RFC 9293 3.8.6.2.2)
        } else if (right - current < Math.min(bufferSize / 2, receiveMss()) && Seq.gt(current, rcvNxt)) {
            right = current; // receiver SWS avoidance: do not open by tiny amounts
        } else if (right - current < Math.min(bufferSize / 2, receiveMss()) && current == rcvNxt
                && window < Math.min(bufferSize / 2, receiveMss())) {
            right = current;
        }
        int advertised = right - rcvNxt;
        int field = advertised >>> shift;
        if (Seq.lt(rcvNxt + (field << shift), current)) {
            field++; // rounding down would shrink the window: round up and accept those few bytes
        }
        field = Math.min(65535, field);
        // RCV.ADV is exactly what the peer computes from the field, so it may send all of it
        rcvAdv = Seq.max(current, rcvNxt + (field << shift));
        return field;
    }

    /** Called whenever a segment carrying our ACK leaves. */
    void ackSent() {
        ackNow = false;
        if (delayedAck.unackedBytes() > 0) {
            delayedAck.ackSent(receiveMss()); // (a data segment of a one-way transfer skips the MSS lookup)
        }
        lastAckSent = rcvNxt;
        c.armDelayedAck(TcpConnection.NONE);
        c.ackOwed = false;
    }

    /** SACK blocks for our next ACK: the most recently received first (RFC 2018 4), at most {@code max}. */
    List<int[]> sackBlocks() {
        List<int[]> blocks = outOfOrder.blocks();
        if (blocks.size() <= 1 || !lastOutOfOrderValid) {
            return blocks;
        }
        List<int[]> ordered = new ArrayList<>(blocks.size());
        for (int[] b : blocks) {
            if (Seq.inRange(lastOutOfOrderSeq, b[0], b[1])) {
                ordered.add(b);
            }
        }
        for (int[] b : blocks) {
            if (!Seq.inRange(lastOutOfOrderSeq, b[0], b[1])) {
                ordered.add(b);
            }
        }
        return ordered;
    }

    boolean hasOutOfOrder() {
        return !outOfOrder.isEmpty();
    }

    /** Out-of-order data is dropped (never acknowledged); unread in-order data stays readable. */
    void releaseBuffersKeepingData() {
        c.engine.budget().release(outOfOrder.size());
        outOfOrder.releaseAll();
    }

    void releaseAll() {
        releaseBuffersKeepingData();
        c.engine.budget().release(queue.size());
        queue.releaseAll();
    }
}
