package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;

/** In-order received bytes waiting for the application: retained slices of received frames. */
final class ReceiveQueue {
    private final ArrayDeque<ByteBuf> buffers = new ArrayDeque<>();
    private int bytes;

    void add(ByteBuf data) {
        bytes += data.readableBytes();
        buffers.addLast(data);
    }

    int size() {
        return bytes;
    }

    /** Up to {@code max} bytes, a slice or a composite the caller must release; null when empty. */
    ByteBuf read(int max, ByteBufAllocator allocator) {
        if (bytes == 0 || max <= 0) {
            return null;
        }
        ByteBuf head = buffers.peekFirst();
        if (head.readableBytes() >= max || buffers.size() == 1) {
            return take(head, Math.min(max, head.readableBytes()));
        }
        CompositeByteBuf composite = allocator.compositeBuffer(Math.min(buffers.size(), 64));
        int left = max;
        while (left > 0 && !buffers.isEmpty() && composite.numComponents() < 64) {
            ByteBuf b = buffers.peekFirst();
            int n = Math.min(left, b.readableBytes());
            composite.addComponent(true, take(b, n));
            left -= n;
        }
        return composite;
    }

    private ByteBuf take(ByteBuf b, int n) {
        bytes -= n;
        if (n == b.readableBytes()) {
            buffers.pollFirst();
            return b;
        }
        return b.readRetainedSlice(n);
    }

    void releaseAll() {
        ByteBuf b;
        while ((b = buffers.pollFirst()) != null) {
            b.release();
        }
        bytes = 0;
    }
}
