package io.multistack.access;

import static io.multistack.access.LeakCheck.tracked;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs of packets of one size to one site become one segmented datagram (UDP GSO). */
@ExtendWith(LeakCheck.class)
class BurstWriterTest {
    private static final InetSocketAddress SITE_A = new InetSocketAddress("198.51.100.11", 4789);
    private static final InetSocketAddress SITE_B = new InetSocketAddress("198.51.100.12", 4789);

    /** What the fake transport makes of a run: the test can see its segment size. */
    private static final class Segmented extends DatagramPacket {
        final int segmentSize;

        Segmented(ByteBuf content, int segmentSize, InetSocketAddress to) {
            super(content, to);
            this.segmentSize = segmentSize;
        }
    }

    private final List<ByteBuf> made = new ArrayList<>();
    private IOException failSegmented;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (failSegmented != null && msg instanceof Segmented segmented) {
                segmented.release();
                promise.setFailure(failSegmented);
                return;
            }
            ctx.write(msg, promise);
        }
    });
    private final BurstWriter.Segmenter gso = new BurstWriter.Segmenter() {
        @Override
        public DatagramPacket segmented(ByteBuf segments, int segmentSize, InetSocketAddress to) {
            return new Segmented(segments, segmentSize, to);
        }

        @Override
        public boolean refusal(Throwable cause) {
            return cause.getMessage().contains("EIO");
        }
    };

    {
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    }

    /** What left: segment size (0 for a plain datagram), destination, and the packets' first ints. */
    private record Out(int segmentSize, InetSocketAddress to, List<Integer> packets) {}

    private ByteBuf packet(int value, int length) {
        ByteBuf packet = tracked(value);
        packet.writeZero(length - 4);
        made.add(packet);
        return packet;
    }

    private List<Out> burst(BurstWriter writer, Object... packetsAndSites) {
        writer.begin(channel);
        for (int i = 0; i < packetsAndSites.length; i += 2) {
            writer.accept((ByteBuf) packetsAndSites[i], (InetSocketAddress) packetsAndSites[i + 1]);
        }
        writer.end();
        channel.flush();
        List<Out> out = new ArrayList<>();
        DatagramPacket datagram;
        while ((datagram = channel.readOutbound()) != null) {
            ByteBuf content = datagram.content();
            int size = datagram instanceof Segmented segmented ? segmented.segmentSize : 0;
            List<Integer> values = new ArrayList<>();
            int step = size == 0 ? content.readableBytes() : size;
            for (int at = content.readerIndex(); at < content.writerIndex(); at += step) {
                values.add(content.getInt(at));
            }
            out.add(new Out(size, datagram.recipient(), values));
            datagram.release();
        }
        return out;
    }

    @AfterEach
    void everyBufferReleased() {
        channel.finishAndReleaseAll();
        assertThat(made).allSatisfy(packet -> assertThat(packet.refCnt()).as("released").isZero());
    }

    @Test
    void aRunOfOneSizeToOneSiteIsOneSegmentedDatagram() {
        BurstWriter writer = new BurstWriter(gso);
        assertThat(burst(writer, packet(1, 1000), SITE_A, packet(2, 1000), SITE_A, packet(3, 1000), SITE_A))
                .containsExactly(new Out(1000, SITE_A, List.of(1, 2, 3)));
    }

    @Test
    void aShorterPacketIsTheLastSegmentOfItsRun() {
        BurstWriter writer = new BurstWriter(gso);
        assertThat(burst(writer, packet(1, 1000), SITE_A, packet(2, 1000), SITE_A, packet(3, 200), SITE_A,
                packet(4, 1000), SITE_A))
                .containsExactly(new Out(1000, SITE_A, List.of(1, 2, 3)), new Out(0, SITE_A, List.of(4)));
    }

    @Test
    void anotherSiteOrALongerPacketStartsANewRun() {
        BurstWriter writer = new BurstWriter(gso);
        assertThat(burst(writer, packet(1, 500), SITE_A, packet(2, 500), SITE_A, packet(3, 500), SITE_B,
                packet(4, 600), SITE_B, packet(5, 600), SITE_B))
                .containsExactly(new Out(500, SITE_A, List.of(1, 2)), new Out(0, SITE_B, List.of(3)),
                        new Out(600, SITE_B, List.of(4, 5)));
    }

    @Test
    void aRunStopsAtTheKernelsLimits() {
        BurstWriter writer = new BurstWriter(gso);
        Object[] many = new Object[2 * (BurstWriter.MAX_SEGMENTS + 1)];
        for (int i = 0; i <= BurstWriter.MAX_SEGMENTS; i++) {
            many[2 * i] = packet(i, 100);
            many[2 * i + 1] = SITE_A;
        }
        List<Out> bySegments = burst(writer, many);
        assertThat(bySegments).extracting(out -> out.packets().size()).containsExactly(BurstWriter.MAX_SEGMENTS, 1);

        List<Out> byBytes = burst(writer, packet(1, 30_000), SITE_A, packet(2, 30_000), SITE_A, packet(3, 30_000), SITE_A);
        assertThat(byBytes).extracting(out -> out.packets().size()).as("65,507 bytes at most").containsExactly(2, 1);
    }

    @Test
    void withoutSegmentationEveryPacketIsItsOwnDatagram() {
        BurstWriter writer = new BurstWriter(null);
        assertThat(burst(writer, packet(1, 1000), SITE_A, packet(2, 1000), SITE_A))
                .containsExactly(new Out(0, SITE_A, List.of(1)), new Out(0, SITE_A, List.of(2)));
    }

    @Test
    void aKernelThatRefusesSegmentsTurnsSegmentationOff() {
        BurstWriter writer = new BurstWriter(gso);
        failSegmented = new IOException("sendmmsg: EIO");
        assertThat(burst(writer, packet(1, 1000), SITE_A, packet(2, 1000), SITE_A)).isEmpty();
        assertThat(writer.segmenting()).isFalse();

        assertThat(burst(writer, packet(3, 1000), SITE_A, packet(4, 1000), SITE_A))
                .containsExactly(new Out(0, SITE_A, List.of(3)), new Out(0, SITE_A, List.of(4)));
    }

    @Test
    void aPassingErrorKeepsSegmentation() {
        BurstWriter writer = new BurstWriter(gso);
        failSegmented = new IOException("sendmmsg: EHOSTUNREACH");
        burst(writer, packet(1, 1000), SITE_A, packet(2, 1000), SITE_A);
        assertThat(writer.segmenting()).isTrue();
    }
}
