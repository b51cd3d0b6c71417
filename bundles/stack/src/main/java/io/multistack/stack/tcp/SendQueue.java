package io.multistack.stack.tcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Unacknowledged and unsent bytes; offset 0 is SND.UNA. Holds retained slices of what the
 * application wrote (no copy); bytes are copied once, into the outgoing segment.
 */
final class SendQueue {
    private final ArrayDeque<ByteBuf> buffers = new ArrayDeque<>();
    private int bytes;

    void add(ByteBuf data) {
        buffers.addLast(data);
        bytes += data.readableBytes();
    }

    int size() {
        return bytes;
    }

    /** Appends {@code length} bytes starting {@code offset} bytes after SND.UNA to {@code out}. */
    void copy(int offset, int length, ByteBuf out) {
        int skip = offset;
        int left = length;
        for (ByteBuf b : buffers) {
            int readable = b.readableBytes();
            if (skip >= readable) {
                skip -= readable;
                continue;
            }
            int n = Math.min(readable - skip, left);
            out.writeBytes(b, b.readerIndex() + skip, n);
            left -= n;
            skip = 0;
            if (left == 0) {
                return;
            }
        }
        if (left > 0) {
            throw new IllegalStateException("send queue underflow");
        }
    }

    /** Drops {@code n} acknowledged bytes from the front. */
    void drop(int n) {
        int left = n;
        while (left > 0) {
            ByteBuf head = buffers.peekFirst();
            int readable = head.readableBytes();
            if (readable <= left) {
                buffers.pollFirst().release();
                left -= readable;
            } else {
                head.skipBytes(left);
                left = 0;
            }
        }
        bytes -= n;
    }

    void releaseAll() {
        ByteBuf b;
        while ((b = buffers.pollFirst()) != null) {
            b.release();
        }
        bytes = 0;
    }
}
