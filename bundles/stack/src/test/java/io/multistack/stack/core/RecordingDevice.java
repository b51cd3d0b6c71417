package io.multistack.stack.core;

import io.multistack.api.flow.Device;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Deque;

/** A device that keeps what the stack transmits, in order, for the test to take and check. */
final class RecordingDevice implements Device {
    private final Deque<ByteBuf> sent = new ArrayDeque<>();

    @Override
    public String link() {
        return "memory";
    }

    @Override
    public int vlan() {
        return 600;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public void transmit(ByteBuf frame) {
        sent.addLast(frame);
    }

    @Override
    public void close() {
        releaseAll();
    }

    /** The oldest frame not yet taken, as bytes (the buffer is released); null when none. */
    byte[] take() {
        ByteBuf frame = sent.pollFirst();
        if (frame == null) {
            return null;
        }
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        frame.release();
        return bytes;
    }

    /** Whether this very buffer was transmitted and not taken yet. */
    boolean holds(ByteBuf buffer) {
        return sent.stream().anyMatch(frame -> frame == buffer);
    }

    /** The oldest frame not yet taken, as the buffer itself (the caller releases it); null when none. */
    ByteBuf takeBuffer() {
        return sent.pollFirst();
    }

    int pending() {
        return sent.size();
    }

    void releaseAll() {
        while (take() != null) {
            // released by take
        }
    }
}
