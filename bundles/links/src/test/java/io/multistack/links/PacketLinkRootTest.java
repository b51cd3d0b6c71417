package io.multistack.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Needs root. AF_PACKET links on veth ends in the root namespace (which carry no addresses). */
class PacketLinkRootTest {
    @BeforeAll
    static void onlyAsRoot() {
        assumeTrue(Shell.isRoot(), "packet sockets, veth and namespaces need root");
    }

    private static long id() {
        return ProcessHandle.current().pid() % 100_000;
    }

    private static BlockingQueue<String> collect(NativeLink link) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        link.claim("test", frame -> {
            received.add(ByteBufUtil.hexDump(frame));
            frame.release();
        });
        return received;
    }

    @Test
    void kernelInANamespaceAnswersArpThroughThePacketLink() throws Exception {
        String namespace = "mstl-pkt-" + id();
        String rootEnd = "mstpa" + id();
        String nsEnd = "mstpb" + id();
        NativeLink link = NativeLink.packet("p", rootEnd, 0, PooledByteBufAllocator.DEFAULT);
        BlockingQueue<String> received = collect(link);
        try {
            Shell.run("ip", "netns", "add", namespace);
            Shell.run("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", nsEnd);
            Shell.quietly("sysctl", "-q", "-w", "net.ipv6.conf." + rootEnd + ".disable_ipv6=1");
            Shell.run("ip", "link", "set", nsEnd, "netns", namespace);
            Shell.run("ip", "-n", namespace, "addr", "add", "192.168.78.1/24", "dev", nsEnd);
            Shell.run("ip", "-n", namespace, "link", "set", nsEnd, "up");
            Shell.run("ip", "link", "set", rootEnd, "up");
            link.start();
            assertThat(Shell.await(() -> link.linkState() == LinkState.UP, 5_000)).as(link.lastError()).isTrue();
            assertThat(link.mtu()).isEqualTo(1500);

            String reply = null;
            for (int attempt = 0; attempt < 25 && reply == null; attempt++) {
                link.transmit(ArpFrames.request("192.168.78.2", "192.168.78.1"));
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                String frame;
                while (reply == null && (frame = received.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                    assertThat(frame).as("our own frames are not looped back").doesNotStartWith("ffffffffffff" + ArpFrames.ASKER_MAC);
                    if (ArpFrames.isReply(frame, "192.168.78.1")) {
                        reply = frame;
                    }
                }
            }
            assertThat(reply).as("the kernel's ARP reply").isNotNull();

            Shell.run("ip", "link", "del", rootEnd);
            assertThat(Shell.await(() -> link.linkState() == LinkState.DOWN && link.lastError().contains("ENODEV"), 5_000))
                    .as("state %s, last error %s", link.linkState(), link.lastError()).isTrue();
            link.transmit(ArpFrames.request("192.168.78.2", "192.168.78.1")); // dropped, no exception
        } finally {
            link.close();
            Shell.quietly("ip", "link", "del", rootEnd);
            Shell.quietly("ip", "netns", "del", namespace);
        }
    }

    /**
     * A tagged frame crossing a veth arrives with its tag stripped into the packet's metadata
     * (the kernel untags on receive); the link must deliver it tagged, as it was sent.
     */
    @Test
    void strippedVlanTagIsPutBack() throws Exception {
        String sendEnd = "mstpc" + id();
        String receiveEnd = "mstpd" + id();
        NativeLink sender = NativeLink.packet("send", sendEnd, 0, PooledByteBufAllocator.DEFAULT);
        NativeLink receiver = NativeLink.packet("receive", receiveEnd, 0, PooledByteBufAllocator.DEFAULT);
        BlockingQueue<String> received = collect(receiver);
        try {
            Shell.run("ip", "link", "add", sendEnd, "type", "veth", "peer", "name", receiveEnd);
            for (String end : new String[] {sendEnd, receiveEnd}) {
                Shell.quietly("sysctl", "-q", "-w", "net.ipv6.conf." + end + ".disable_ipv6=1");
                Shell.run("ip", "link", "set", end, "up");
            }
            sender.start();
            receiver.start();
            assertThat(Shell.await(() -> sender.linkState() == LinkState.UP && receiver.linkState() == LinkState.UP, 5_000))
                    .isTrue();
            String tagged = ArpFrames.requestHex("192.168.79.2", "192.168.79.1", 0x2064); // PCP 1, VID 100
            String got = null;
            for (int attempt = 0; attempt < 10 && got == null; attempt++) {
                sender.transmit(ArpFrames.direct(tagged));
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                String frame;
                while (got == null && (frame = received.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                    if (frame.startsWith("ffffffffffff" + ArpFrames.ASKER_MAC)) {
                        got = frame;
                    }
                }
            }
            assertThat(got).isEqualTo(tagged);
        } finally {
            sender.close();
            receiver.close();
            Shell.quietly("ip", "link", "del", sendEnd);
        }
    }
}
