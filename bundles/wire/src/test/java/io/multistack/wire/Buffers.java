package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands out Unpooled buffers to one test and checks ownership afterwards: every buffer the
 * test still owns must have exactly one reference left (the code under test neither
 * retained nor released it), and is then released to zero. Buffers the code under test
 * takes over are handed back with {@link #expectReleased}.
 */
final class Buffers implements AfterEachCallback {
    private final List<ByteBuf> owned = new ArrayList<>();

    /** A heap buffer holding exactly {@code bytes}, reader index 0. */
    ByteBuf of(byte[] bytes) {
        return track(Unpooled.buffer(bytes.length).writeBytes(bytes));
    }

    ByteBuf hex(String hex) {
        return of(Bytes.hex(hex));
    }

    /** {@code bytes} preceded by {@code headroom} filler bytes (0xEE) that the reader index skips. */
    ByteBuf withHeadroom(int headroom, byte[] bytes, boolean direct) {
        ByteBuf buf = direct ? Unpooled.directBuffer(headroom + bytes.length) : Unpooled.buffer(headroom + bytes.length);
        for (int i = 0; i < headroom; i++) {
            buf.writeByte(0xEE);
        }
        buf.writeBytes(bytes).readerIndex(headroom);
        return track(buf);
    }

    ByteBuf withHeadroom(int headroom, byte[] bytes) {
        return withHeadroom(headroom, bytes, false);
    }

    /** An empty heap buffer to emit into. */
    ByteBuf empty() {
        return track(Unpooled.buffer(64));
    }

    ByteBuf track(ByteBuf buf) {
        owned.add(buf);
        return buf;
    }

    /** Asserts that the code under test released a buffer the test gave it, and stops owning it. */
    void expectReleased(ByteBuf buf) {
        assertThat(buf.refCnt()).as("refCnt of a buffer handed over to the code under test").isZero();
        owned.remove(buf);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        for (ByteBuf buf : owned) {
            int references = buf.refCnt();
            if (references != 1) {
                problems.add("refCnt " + references + " (expected 1): " + buf);
            }
            if (references > 0) {
                buf.release(references);
            }
        }
        owned.clear();
        assertThat(problems).as("buffers leaked or released behind the test's back").isEmpty();
    }
}
