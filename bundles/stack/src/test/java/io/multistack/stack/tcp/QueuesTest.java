package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Send queue, receive queue, out-of-order queue and SACK scoreboard against simple reference models. */
class QueuesTest {

    @Test
    void sendQueueCopiesAnyRangeAfterRandomAddsAndDrops() {
        SplittableRandom random = new SplittableRandom(3);
        SendQueue queue = new SendQueue();
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        int base = 0; // model offset of SND.UNA
        int written = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(3);
            if (op == 0) {
                byte[] data = new byte[random.nextInt(1, 300)];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (written + i);
                }
                written += data.length;
                model.writeBytes(data);
                queue.add(Unpooled.wrappedBuffer(data));
            } else if (op == 1 && queue.size() > 0) {
                int n = random.nextInt(0, queue.size() + 1);
                queue.drop(n);
                base += n;
            } else if (queue.size() > 0) {
                int offset = random.nextInt(0, queue.size());
                int length = random.nextInt(0, queue.size() - offset + 1);
                ByteBuf out = Unpooled.buffer(length);
                queue.copy(offset, length, out);
                byte[] all = model.toByteArray();
                for (int i = 0; i < length; i++) {
                    assertThat(out.getByte(i)).isEqualTo(all[base + offset + i]);
                }
            }
            assertThat(queue.size()).isEqualTo(written - base);
        }
        queue.releaseAll();
    }

    @Test
    void receiveQueueReadsSlicesAndComposites() {
        ReceiveQueue queue = new ReceiveQueue(ByteBufAllocator.DEFAULT);
        queue.add(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
        queue.add(Unpooled.copiedBuffer(new byte[] {4, 5}));
        ByteBuf first = queue.read(2, ByteBufAllocator.DEFAULT);
        assertThat(first.readableBytes()).isEqualTo(2);
        ByteBuf rest = queue.read(100, ByteBufAllocator.DEFAULT);
        assertThat(rest.readableBytes()).isEqualTo(3);
        assertThat(rest.getByte(rest.readerIndex())).isEqualTo((byte) 3);
        assertThat(queue.read(1, ByteBufAllocator.DEFAULT)).isNull();
        first.release();
        rest.release();
    }

    @Test
    void outOfOrderQueueTrimsOverlapsAndDrainsInOrder() {
        OutOfOrderQueue queue = new OutOfOrderQueue(100);
        queue.add(110, buf(110, 10));
        queue.add(105, buf(105, 10));
        queue.add(130, buf(130, 5));
        queue.add(100, buf(100, 40)); // covers everything
        assertThat(queue.blocks()).hasSize(1);
        assertThat(queue.blocks().get(0)).containsExactly(100, 140);
        List<ByteBuf> ready = queue.drain(100);
        int expected = 100;
        for (ByteBuf b : ready) {
            while (b.isReadable()) {
                assertThat(b.readByte()).isEqualTo((byte) expected++);
            }
            b.release();
        }
        assertThat(expected).isEqualTo(140);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void outOfOrderQueueIsBounded() {
        OutOfOrderQueue queue = new OutOfOrderQueue(2);
        queue.add(10, buf(10, 1));
        queue.add(20, buf(20, 1));
        queue.add(30, buf(30, 1));
        assertThat(queue.blocks()).hasSize(2);
        assertThat(queue.size()).isEqualTo(2);
        queue.releaseAll();
    }

    @Test
    void scoreboardMergesBlocksAndInfersLoss() {
        SackScoreboard board = new SackScoreboard();
        int una = -100; // wraps through zero
        assertThat(board.update(new int[] {una + 1000, una + 2000}, una, una + 10_000)).isTrue();
        assertThat(board.update(new int[] {una + 2000, una + 3000}, una, una + 10_000)).isTrue();
        assertThat(board.update(new int[] {una + 1500, una + 2500}, una, una + 10_000)).isFalse();
        assertThat(board.ranges()).hasSize(1);
        assertThat(board.sackedBytes()).isEqualTo(2000);
        assertThat(board.lossBoundary(una, 1000)).as("2 MSS SACKed: not yet lost").isEqualTo(una);
        board.update(new int[] {una + 4000, una + 5000}, una, una + 10_000);
        assertThat(board.lossBoundary(una, 1000)).isEqualTo(una + 1000);
        assertThat(board.unsackedBetween(una, una + 5000)).isEqualTo(2000);
        // blocks beyond what was sent, or below SND.UNA (D-SACK), are ignored
        assertThat(board.update(new int[] {una + 9000, una + 11_000}, una, una + 10_000)).isFalse();
        assertThat(board.update(new int[] {una - 50, una}, una, una + 10_000)).isFalse();
        board.advance(una + 2500);
        assertThat(board.sackedBytes()).isEqualTo(1500);
    }

    private static ByteBuf buf(int start, int length) {
        ByteBuf b = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            b.writeByte(start + i);
        }
        return b;
    }
}
