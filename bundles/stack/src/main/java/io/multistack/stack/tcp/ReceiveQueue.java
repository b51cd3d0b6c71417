package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;

/**
 * In-order received bytes waiting for the application: retained slices of received frames
 * (no copy while the reader keeps up), compacted into right-sized buffers when the frames'
 * backing memory grows out of proportion to the bytes held.
 * <p>
 * Why: a received frame is a slice of a larger buffer (one pooled 64 KiB chunk per
 * {@code recvmmsg} batch), and a retained slice keeps the whole chunk alive. A slow reader
 * of a flow whose segments each come from a different batch (tiny segments, many busy
 * connections) would pin up to 64 KiB per queued segment while the window and the memory
 * budget count only payload bytes. As Linux's truesize accounting and tcp_collapse: once the
 * backing memory of the slices exceeds {@link #PINNED_SLACK} plus twice their payload, the
 * slices are copied and their chunks released, so what the queue keeps alive stays within a
 * constant factor of what it accounts. Each byte is copied at most once.
 */
final class ReceiveQueue {
    /** Backing memory the slices may pin beyond twice their payload before they are copied. */
    static final int PINNED_SLACK = 256 * 1024;
    private static final int COMPACT_CHUNK = 64 * 1024;
    private final ArrayDeque<ByteBuf> buffers = new ArrayDeque<>();
    private final ByteBufAllocator allocator;
    private int bytes;
    private long sliceBytes; // payload held in slices of received frames
    private long pinned; // estimated backing capacity of those slices
    private ByteBuf lastRoot; // the backing buffer of the last slice added (consecutive slices share it)

    ReceiveQueue(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    void add(ByteBuf data) {
        int n = data.readableBytes();
        bytes += n;
        ByteBuf root = root(data);
        if (root != data) {
            sliceBytes += n;
            if (root != lastRoot) {
                pinned += root.capacity();
                lastRoot = root;
            }
        }
        buffers.addLast(data);
        if (pinned > PINNED_SLACK + 2 * sliceBytes) {
            compact();
        }
    }

    int size() {
        return bytes;
    }

    /** Backing memory the queued slices keep alive (an upper bound: a chunk counts once per run of slices in it). */
    long pinned() {
        return pinned;
    }

    /** Up to {@code max} bytes, a slice or a composite the caller must release; null when empty. */
    ByteBuf read(int max, ByteBufAllocator allocator) {
        if (bytes == 0 || max <= 0) {
            return null;
        }
        ByteBuf head = buffers.peekFirst();
        ByteBuf result;
        if (head.readableBytes() >= max || buffers.size() == 1) {
            result = take(head, Math.min(max, head.readableBytes()));
        } else {
            CompositeByteBuf composite = allocator.compositeBuffer(Math.min(buffers.size(), 64));
            int left = max;
            while (left > 0 && !buffers.isEmpty() && composite.numComponents() < 64) {
                ByteBuf b = buffers.peekFirst();
                int n = Math.min(left, b.readableBytes());
                composite.addComponent(true, take(b, n));
                left -= n;
            }
            result = composite;
        }
        if (buffers.isEmpty()) {
            forgetSlices();
        }
        return result;
    }

    private ByteBuf take(ByteBuf b, int n) {
        bytes -= n;
        ByteBuf root = root(b);
        if (root != b) {
            sliceBytes -= n;
        }
        if (n == b.readableBytes()) {
            buffers.pollFirst();
            ByteBuf next = buffers.peekFirst();
            if (root != b && (next == null || root(next) != root)) {
                pinned -= root.capacity(); // the last slice of its run: the queue no longer holds that chunk
            }
            return b;
        }
        return b.readRetainedSlice(n);
    }

    /** Copies every run of slices into right-sized buffers and releases the slices. */
    private void compact() {
        long left = sliceBytes;
        int count = buffers.size();
        ByteBuf chunk = null;
        for (int i = 0; i < count; i++) {
            ByteBuf b = buffers.pollFirst();
            if (root(b) == b) {
                if (chunk != null) {
                    buffers.addLast(chunk);
                    chunk = null;
                }
                buffers.addLast(b);
                continue;
            }
            while (b.isReadable()) {
                if (chunk == null || !chunk.isWritable()) {
                    if (chunk != null) {
                        buffers.addLast(chunk);
                    }
                    int size = (int) Math.clamp(left, 1, COMPACT_CHUNK);
                    chunk = allocator.directBuffer(size, size);
                }
                int n = Math.min(b.readableBytes(), chunk.writableBytes());
                chunk.writeBytes(b, n);
                left -= n;
            }
            b.release();
        }
        if (chunk != null) {
            buffers.addLast(chunk);
        }
        forgetSlices();
    }

    private void forgetSlices() {
        sliceBytes = 0;
        pinned = 0;
        lastRoot = null;
    }

    /** The buffer that owns the memory behind {@code b} ({@code b} itself if it is not derived). */
    private static ByteBuf root(ByteBuf b) {
        ByteBuf root = b;
        for (ByteBuf parent = root.unwrap(); parent != null; parent = parent.unwrap()) {
            root = parent;
        }
        return root;
    }

    void releaseAll() {
        ByteBuf b;
        while ((b = buffers.pollFirst()) != null) {
            b.release();
        }
        bytes = 0;
        forgetSlices();
    }
}
