package io.multistack.stack.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Frames for the taps to work on, each numbered at the start of its payload, with headroom
 * like the stack's own frames; every buffer made or received is tracked so a test can prove
 * that each was released exactly once. Safe to use from several threads.
 */
final class TestFrames {
    static final int HEADROOM = 16;
    static final int LENGTH = 60;
    private final List<ByteBuf> made = new ArrayList<>();
    private final List<ByteBuf> received = new ArrayList<>();
    private final SplittableRandom payload = new SplittableRandom(99);

    /** A 60-byte frame: broadcast, IPv4 type, the number, then random bytes. */
    ByteBuf frame(int number) {
        return frame(number, LENGTH);
    }

    synchronized ByteBuf frame(int number, int length) {
        ByteBuf frame = Unpooled.buffer(HEADROOM + length);
        frame.setIndex(HEADROOM, HEADROOM);
        frame.writeLong(0xFFFF_FFFF_FFFF_0200L).writeInt(0x0000_000A).writeShort(0x0800);
        if (length >= 18) {
            frame.writeInt(number);
        }
        while (frame.readableBytes() < length) {
            frame.writeByte(payload.nextInt(256));
        }
        made.add(frame);
        return frame;
    }

    /** A receiver that keeps what reaches it. */
    synchronized void receive(ByteBuf frame) {
        received.add(frame);
    }

    synchronized List<ByteBuf> received() {
        return received;
    }

    /** The numbers of the frames received, in order of arrival. */
    synchronized List<Integer> numbers() {
        return received.stream().map(TestFrames::number).toList();
    }

    static int number(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + 14);
    }

    static byte[] bytes(ByteBuf frame) {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        return bytes;
    }

    /** Releases what was received, once each, then checks that nothing made or received is still held. */
    synchronized void releaseAndCheckNoLeaks() {
        received.forEach(ByteBuf::release);
        assertThat(made).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
        assertThat(received).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
    }
}
