package io.multistack.stack.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled heap allocator that remembers every buffer it hands out, so a test can check
 * at the end that the code under test released each one exactly as often as it should.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> handedOut = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Buffers still referenced: after a test has released what it holds, these are leaks. */
    List<ByteBuf> unreleased() {
        return handedOut.stream().filter(buf -> buf.refCnt() > 0).toList();
    }

    int handedOut() {
        return handedOut.size();
    }

    private ByteBuf track(ByteBuf buf) {
        handedOut.add(buf);
        return buf;
    }
}
