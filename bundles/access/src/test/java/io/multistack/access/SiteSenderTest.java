package io.multistack.access;

import static io.multistack.access.LeakCheck.tracked;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sender towards the sites, on an embedded channel whose loop runs only when the test
 * says: packets offered from outside are written by one task per burst with one flush.
 */
@ExtendWith(LeakCheck.class)
class SiteSenderTest {
    private static final InetSocketAddress SITE_A = new InetSocketAddress("198.51.100.11", 4789);
    private static final InetSocketAddress SITE_B = new InetSocketAddress("198.51.100.12", 4789);

    private int flushes;
    private SiteSender sender;
    private final List<ByteBuf> made = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                sender.writable(); // as the endpoint's handler does
            }
        }
    });

    private SiteSender sender(int capacity) {
        sender = new SiteSender(channel.eventLoop(), capacity, null);
        sender.channel(channel);
        channel.runPendingTasks();
        return sender;
    }

    private ByteBuf packet(int value) {
        ByteBuf packet = tracked(value);
        made.add(packet);
        return packet;
    }

    private record Written(int value, InetSocketAddress to) {}

    private List<Written> written() {
        List<Written> out = new ArrayList<>();
        DatagramPacket packet;
        while ((packet = channel.readOutbound()) != null) {
            out.add(new Written(packet.content().getInt(0), packet.recipient()));
            packet.release();
        }
        return out;
    }

    @AfterEach
    void everyBufferReleased() {
        written();
        channel.finishAndReleaseAll();
        assertThat(made).allSatisfy(packet -> assertThat(packet.refCnt()).as("released").isZero());
    }

    @Test
    void aBurstIsWrittenInOrderByOneTaskWithOneFlush() {
        sender(16);
        flushes = 0;
        sender.send(packet(1), SITE_A);
        sender.send(packet(2), SITE_B);
        sender.send(packet(3), SITE_A);
        assertThat(written()).as("nothing before the loop runs").isEmpty();

        channel.runPendingTasks();

        assertThat(written()).containsExactly(new Written(1, SITE_A), new Written(2, SITE_B), new Written(3, SITE_A));
        assertThat(flushes).isEqualTo(1);
    }

    @Test
    void whatIsSentOnTheLoopWhileItsSocketIsReadLeavesWhenTheReadsEndWithoutATask() {
        sender(16);
        flushes = 0;
        sender.readsBegin();
        sender.send(packet(1), SITE_A);
        sender.send(packet(2), SITE_B);
        assertThat(written()).as("held until the reads end").isEmpty();

        sender.readsEnd(); // no runPendingTasks: the end of the reads writes them

        assertThat(written()).containsExactly(new Written(1, SITE_A), new Written(2, SITE_B));
        assertThat(flushes).isEqualTo(1);
    }

    @Test
    void readsThatSentNothingWriteNothing() {
        sender(16);
        flushes = 0;
        sender.readsBegin();
        sender.readsEnd();
        assertThat(flushes).isZero();
    }

    @Test
    void aSenderWhoseLoopCannotTellItsThreadNeverHoldsPackets() {
        List<Runnable> tasks = new ArrayList<>();
        SiteSender plain = new SiteSender(tasks::add, 16, null); // a plain Executor: no inEventLoop
        plain.channel(channel);
        tasks.remove(0).run(); // the drain that taking the channel scheduled
        plain.readsBegin();

        plain.send(packet(1), SITE_A);

        assertThat(tasks).as("written by a task, as from any thread").hasSize(1);
        tasks.get(0).run();
        assertThat(written()).containsExactly(new Written(1, SITE_A));
    }

    @Test
    void aFullRingDropsCountsAndReleases() {
        sender(4);
        List<Boolean> accepted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            accepted.add(sender.send(packet(i), SITE_A));
        }
        assertThat(accepted).containsExactly(true, true, true, true, false, false);
        assertThat(sender.overflowDrops()).isEqualTo(2);
        assertThat(made.get(4).refCnt()).isZero();
        assertThat(made.get(5).refCnt()).isZero();

        channel.runPendingTasks();
        assertThat(written()).extracting(Written::value).containsExactly(0, 1, 2, 3);
        assertThat(sender.send(packet(6), SITE_A)).as("room again").isTrue();
        channel.runPendingTasks();
        assertThat(written()).extracting(Written::value).containsExactly(6);
    }

    @Test
    void aLongQueueIsWrittenInBurstsOfBoundedSize() {
        sender(1024);
        flushes = 0;
        int count = SiteSender.BURST + 10;
        for (int i = 0; i < count; i++) {
            sender.send(packet(i), SITE_A);
        }
        channel.runPendingTasks();

        List<Written> out = written();
        assertThat(out).hasSize(count);
        assertThat(out).extracting(Written::value).isSorted();
        assertThat(flushes).as("one flush per burst").isEqualTo(2);
    }

    /** The socket holds at most its high-water mark: the rest waits in the ring, then follows. */
    @Test
    void aSocketAboveItsWaterMarkPausesTheDrainUntilWritable() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
        sender(64);
        flushes = 0;
        for (int i = 0; i < 10; i++) {
            sender.send(packet(i), SITE_A); // 64-byte buffers: unwritable after the fourth
        }
        channel.runPendingTasks();

        assertThat(written()).extracting(Written::value).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(flushes).as("paused at the mark, resumed when written").isGreaterThanOrEqualTo(3);
        assertThat(sender.overflowDrops()).isZero();
    }

    @Test
    void withoutASocketQueuedPacketsAreReleasedAndCounted() {
        sender(16);
        sender.send(packet(1), SITE_A);
        sender.send(packet(2), SITE_A);
        sender.channel(null);
        channel.runPendingTasks();

        assertThat(written()).isEmpty();
        assertThat(sender.unsentDrops()).isEqualTo(2);

        sender.send(packet(3), SITE_A);
        channel.runPendingTasks();
        assertThat(sender.unsentDrops()).isEqualTo(3);
    }

    @Test
    void aClosedChannelReleasesWhatComes() {
        sender(16);
        channel.close();
        sender.send(packet(1), SITE_A);
        channel.runPendingTasks();
        assertThat(sender.unsentDrops()).isEqualTo(1);
    }

    @Test
    void aStoppedLoopReleasesAtOnce() {
        SiteSender stopped = new SiteSender(task -> {
            throw new RejectedExecutionException("loop shut down");
        }, 16, null);
        stopped.channel(channel);
        sender = stopped;
        ByteBuf packet = packet(1);

        stopped.send(packet, SITE_A);

        assertThat(packet.refCnt()).isZero();
        assertThat(stopped.unsentDrops()).isEqualTo(1);
    }
}
