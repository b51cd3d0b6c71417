package io.multistack.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Received frames, one per benchmark operation, as a link delivers them: a pooled direct
 * buffer holding a copy of a template (the kernel copies every datagram into such a buffer),
 * with headroom before the frame. The consumer owns and releases each frame. The cost of
 * {@link #next} is measured on its own by {@code HarnessBenchmark}.
 */
public final class FrameSource implements AutoCloseable {
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final ByteBuf template;
    private final int headroom;

    public FrameSource(byte[] frame, int headroom) {
        this.template = Unpooled.directBuffer(frame.length).writeBytes(frame);
        this.headroom = headroom;
    }

    public int length() {
        return template.readableBytes();
    }

    /** A fresh copy of the template; the reader index is at the frame, after the headroom. */
    public ByteBuf next() {
        int length = template.readableBytes();
        ByteBuf frame = allocator.directBuffer(headroom + length);
        frame.setIndex(headroom, headroom);
        return frame.writeBytes(template, 0, length);
    }

    @Override
    public void close() {
        template.release();
    }
}
