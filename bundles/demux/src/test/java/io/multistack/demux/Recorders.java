package io.multistack.demux;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Deque;

/** Test doubles that keep the frames they get, as bytes, and release the buffers. */
final class Recorders {
    private Recorders() {}

    /** Takes a frame's readable bytes and releases it, as a receiver that owns frames must. */
    static byte[] consume(ByteBuf frame) {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        frame.release();
        return bytes;
    }

    /** A stack's input: keeps what the demux delivers. */
    static final class Receiver implements FrameReceiver {
        final Deque<byte[]> frames = new ArrayDeque<>();

        @Override
        public void receive(ByteBuf frame) {
            frames.addLast(consume(frame));
        }
    }

    /** A trunk link: keeps what the demux transmits on it. */
    static final class TrunkLink implements Link {
        final Deque<byte[]> sent = new ArrayDeque<>();

        @Override
        public String name() {
            return "test-trunk";
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void transmit(ByteBuf frame) {
            sent.addLast(consume(frame));
        }

        @Override
        public void claim(String owner, FrameReceiver receiver) {
            throw new UnsupportedOperationException("the test drives the demux directly");
        }

        @Override
        public void release(String owner) {}

        @Override
        public String owner() {
            return null;
        }
    }
}
