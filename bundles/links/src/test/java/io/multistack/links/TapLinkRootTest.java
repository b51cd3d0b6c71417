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

/**
 * Needs root. The link creates a TAP in the root namespace; the test moves it into its own
 * namespace with a kernel host at 192.168.77.1 and talks ARP with that host through the link.
 * Then it deletes the namespace (which destroys the TAP under the open descriptor).
 */
class TapLinkRootTest {
    private static final String TARGET = "192.168.77.1";

    @BeforeAll
    static void onlyAsRoot() {
        assumeTrue(Shell.isRoot(), "creating TAPs and namespaces needs root");
    }

    @Test
    void kernelInANamespaceAnswersThroughTheTapAndLosingItIsSurvived() throws Exception {
        long id = ProcessHandle.current().pid() % 100_000;
        String namespace = "mstl-tap-" + id;
        String tap = "msttap" + id;
        NativeLink link = NativeLink.tap("t", tap, 1500, PooledByteBufAllocator.DEFAULT);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        link.claim("test", frame -> {
            received.add(ByteBufUtil.hexDump(frame));
            frame.release();
        });
        try {
            Shell.run("ip", "netns", "add", namespace);
            Shell.run("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            link.start();
            assertThat(Shell.await(() -> link.linkState() == LinkState.UP, 5_000)).as(link.lastError()).isTrue();
            assertThat(link.mtu()).isEqualTo(1500);

            Shell.run("ip", "link", "set", tap, "netns", namespace);
            Shell.run("ip", "-n", namespace, "addr", "add", TARGET + "/24", "dev", tap);
            Shell.run("ip", "-n", namespace, "link", "set", tap, "up");

            String reply = null;
            for (int attempt = 0; attempt < 25 && reply == null; attempt++) {
                link.transmit(ArpFrames.request("192.168.77.2", TARGET));
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                String frame;
                while (reply == null && (frame = received.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
                    if (ArpFrames.isReply(frame, TARGET)) {
                        reply = frame;
                    }
                }
            }
            assertThat(reply).as("the kernel's ARP reply for " + TARGET).isNotNull();
            assertThat(link.counters().framesOut()).isPositive();
            assertThat(link.counters().framesIn()).isPositive();

            Shell.run("ip", "netns", "del", namespace);
            assertThat(Shell.await(() -> link.counters().downs() >= 1, 5_000)).as("loss reported").isTrue();
            assertThat(link.lastError()).contains("EBADFD");
            link.transmit(ArpFrames.request("192.168.77.2", TARGET)); // must not throw, whatever the state
        } finally {
            long closing = System.nanoTime();
            link.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing)).isLessThan(1_000);
            Shell.quietly("ip", "netns", "del", namespace);
            Shell.quietly("ip", "link", "del", tap);
        }
        assertThat(link.linkState()).isEqualTo(LinkState.CLOSED);
        // The link re-created its TAP in the root namespace after the loss; closing deleted it.
        assertThat(Shell.run("ip", "-o", "link", "show")).doesNotContain(tap + ":");
    }
}
