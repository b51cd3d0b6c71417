package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Segments received beyond RCV.NXT, trimmed so they never overlap, bounded in count.
 * Keys compare as sequence numbers, which is a total order for everything in one window.
 */
final class OutOfOrderQueue {
    private final TreeMap<Integer, ByteBuf> segments = new TreeMap<>((a, b) -> Integer.signum(a - b));
    private final int maxSegments;
    private int bytes;

    OutOfOrderQueue(int maxSegments) {
        this.maxSegments = maxSegments;
    }

    int size() {
        return bytes;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** Stores a retained payload at {@code seq}; releases it if it adds nothing or the queue is full. Returns bytes added. */
    int add(int seq, ByteBuf payload) {
        int start = seq;
        int end = seq + payload.readableBytes();
        Map.Entry<Integer, ByteBuf> before = segments.floorEntry(start);
        if (before != null) {
            int beforeEnd = before.getKey() + before.getValue().readableBytes();
            if (Seq.ge(beforeEnd, end)) {
                payload.release();
                return 0;
            }
            if (Seq.gt(beforeEnd, start)) {
                payload.skipBytes(beforeEnd - start);
                start = beforeEnd;
            }
        }
        // remove or trim what the new segment covers
        Map.Entry<Integer, ByteBuf> after;
        while ((after = segments.ceilingEntry(start)) != null && Seq.lt(after.getKey(), end)) {
            int afterEnd = after.getKey() + after.getValue().readableBytes();
            if (Seq.le(afterEnd, end)) {
                segments.remove(after.getKey());
                bytes -= after.getValue().readableBytes();
                after.getValue().release();
            } else {
                payload.writerIndex(payload.writerIndex() - (end - after.getKey()));
                end = after.getKey();
                break;
            }
        }
        if (start == end || segments.size() >= maxSegments) {
            payload.release();
            return 0;
        }
        segments.put(start, payload);
        bytes += end - start;
        return end - start;
    }

    /** Moves segments now in order (start at or before {@code rcvNxt}) out, trimmed; returns them in order. */
    List<ByteBuf> drain(int rcvNxt) {
        List<ByteBuf> ready = new ArrayList<>();
        int next = rcvNxt;
        Iterator<Map.Entry<Integer, ByteBuf>> it = segments.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, ByteBuf> e = it.next();
            if (Seq.gt(e.getKey(), next)) {
                break;
            }
            it.remove();
            ByteBuf b = e.getValue();
            bytes -= b.readableBytes();
            int end = e.getKey() + b.readableBytes();
            if (Seq.le(end, next)) {
                b.release();
                continue;
            }
            b.skipBytes(next - e.getKey());
            next = end;
            ready.add(b);
        }
        return ready;
    }

    /** Contiguous blocks as [left, right) pairs, ascending. */
    List<int[]> blocks() {
        List<int[]> blocks = new ArrayList<>();
        int[] current = null;
        for (Map.Entry<Integer, ByteBuf> e : segments.entrySet()) {
            int left = e.getKey();
            int right = left + e.getValue().readableBytes();
            if (current != null && current[1] == left) {
                current[1] = right;
            } else {
                current = new int[] {left, right};
                blocks.add(current);
            }
        }
        return blocks;
    }

    void releaseAll() {
        segments.values().forEach(ByteBuf::release);
        segments.clear();
        bytes = 0;
    }
}
