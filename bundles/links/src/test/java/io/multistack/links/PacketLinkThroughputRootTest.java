package io.multistack.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A rough figure, not a benchmark (that belongs in bench/): frames per second from one packet
 * link to another across a veth pair in the root namespace. Root and -Dlinks.throughput=true only.
 */
class PacketLinkThroughputRootTest {
    @Test
    void framesPerSecondAcrossAVethPair() throws Exception {
        assumeTrue(Shell.isRoot() && Boolean.getBoolean("links.throughput"), "root and -Dlinks.throughput=true");
        long id = ProcessHandle.current().pid() % 100_000;
        String a = "mstta" + id;
        String b = "msttb" + id;
        NativeLink sender = NativeLink.packet("a", a, 0, PooledByteBufAllocator.DEFAULT);
        NativeLink receiver = NativeLink.packet("b", b, 0, PooledByteBufAllocator.DEFAULT);
        LongAdder got = new LongAdder();
        receiver.claim("test", frame -> {
            got.increment();
            frame.release();
        });
        try {
            Shell.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
            for (String end : new String[] {a, b}) {
                Shell.quietly("sysctl", "-q", "-w", "net.ipv6.conf." + end + ".disable_ipv6=1");
                Shell.run("ip", "link", "set", end, "up");
            }
            sender.start();
            receiver.start();
            assertThat(Shell.await(() -> sender.linkState() == LinkState.UP && receiver.linkState() == LinkState.UP, 5_000))
                    .isTrue();
            byte[] arp = io.netty.buffer.ByteBufUtil.decodeHexDump(ArpFrames.requestHex("10.0.0.1", "10.0.0.2", -1));
            for (int size : new int[] {64, 1514, 64, 1514}) { // the first two rounds warm the JIT up
                long before = got.sum();
                long sentBefore = sender.counters().framesOut();
                long start = System.nanoTime();
                while (System.nanoTime() - start < 2_000_000_000L) {
                    ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(size);
                    frame.writeBytes(arp);
                    frame.writerIndex(size);
                    sender.transmit(frame);
                }
                Thread.sleep(300);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("packet link, %d-byte frames: sent %.0f/s, received %.0f/s (%.0f MB/s)%n", size,
                        (sender.counters().framesOut() - sentBefore) / seconds, (got.sum() - before) / seconds,
                        (got.sum() - before) * size / seconds / 1e6);
            }
            assertThat(got.sum()).isPositive();
        } finally {
            sender.close();
            receiver.close();
            Shell.quietly("ip", "link", "del", a);
        }
    }
}
