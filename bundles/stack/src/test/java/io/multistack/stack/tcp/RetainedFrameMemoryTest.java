package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Received frames are slices of 64 KiB receive chunks (one per recvmmsg batch): what TCP keeps
 * of them must not keep whole chunks alive out of proportion to the bytes it accounts.
 * Every segment here comes from a chunk of its own, the worst case (tiny segments, or many
 * busy connections sharing each batch); a chunk the stack still references has a reference
 * count above the test's own 1.
 */
class RetainedFrameMemoryTest {
    static final int CHUNK = 64 * 1024;
    final List<ByteBuf> chunks = new ArrayList<>();
    final TcpScript s = TcpScript.established();

    @AfterEach
    void releaseChunks() {
        chunks.forEach(ByteBuf::release);
    }

    /** Delivers a data segment the way the VXLAN endpoint does: a slice in the middle of a chunk. */
    void deliverInChunk(int seq, String text) {
        ByteBuf segment = s.data(seq, LOCAL_SEQ + 1, text).build();
        ByteBuf chunk = Unpooled.directBuffer(CHUNK, CHUNK);
        chunks.add(chunk);
        chunk.writerIndex(2048);
        chunk.writeBytes(segment);
        segment.release();
        s.now += 1_000;
        s.engine.receive(REMOTE_IP, LOCAL_IP, chunk.retainedSlice(2048, chunk.writerIndex() - 2048), s.now);
        s.engine.flushAcks(s.now);
    }

    long chunksStillReferenced() {
        return chunks.stream().filter(c -> c.refCnt() > 1).count();
    }

    static String text(int i, int length) {
        return String.valueOf((char) ('a' + i % 26)).repeat(length);
    }

    @Test
    void outOfOrderSegmentsKeepNoReceiveChunk() {
        int n = 200;
        int size = 10;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            expected.append(text(i, size));
        }
        for (int i = n - 1; i >= 1; i--) { // everything but the first segment, backwards
            deliverInChunk(REMOTE_SEQ + 1 + i * size, text(i, size));
        }
        assertThat(chunksStillReferenced()).as("chunks pinned by %d queued out-of-order segments", n - 1).isZero();
        deliverInChunk(REMOTE_SEQ + 1, text(0, size));
        assertThat(s.readAll()).isEqualTo(expected.toString());
        assertThat(chunksStillReferenced()).isZero();
    }

    @Test
    void aSlowReaderPinsBackingMemoryBoundedByWhatItHolds() {
        int n = 500;
        int size = 100;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            deliverInChunk(REMOTE_SEQ + 1 + i * size, text(i, size));
            expected.append(text(i, size));
            long pinned = chunksStillReferenced() * CHUNK;
            long held = s.connection.receiveQueueBytes();
            assertThat(pinned).as("after segment %d, holding %d bytes", i, held)
                    .isLessThanOrEqualTo(ReceiveQueue.PINNED_SLACK + 2 * held + CHUNK);
        }
        assertThat(s.connection.receiveQueueBytes()).isEqualTo(n * size);
        assertThat(s.readAll()).isEqualTo(expected.toString());
        assertThat(chunksStillReferenced()).isZero();
    }

    @Test
    void aReaderThatKeepsUpCopiesNothing() {
        for (int i = 0; i < 100; i++) {
            deliverInChunk(REMOTE_SEQ + 1 + i * 1000, text(i, 1000));
            ByteBuf read = s.connection.read(Integer.MAX_VALUE);
            assertThat(read.unwrap()).as("a slice of the received frame, not a copy").isNotNull();
            read.release();
        }
        assertThat(chunksStillReferenced()).isZero();
    }
}
