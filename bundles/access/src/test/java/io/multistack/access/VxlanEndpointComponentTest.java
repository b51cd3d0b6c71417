package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multistack.api.loop.DataPathLoops;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;

/**
 * The endpoint component on real loops and loopback sockets, without a framework: with
 * epoll every socket gets its own reader and writer, packets from a site reach the switch
 * (here: an empty table, so they count as unknown tunnels), packets to the site leave from
 * every loop's socket, and moving the listen address again and again leaves no descriptor
 * (and no buffer) behind; with NIO, Netty reads and writes.
 */
@ExtendWith(LeakCheck.class)
class VxlanEndpointComponentTest {
    private static final int LOOPS = 2;

    private MultiThreadIoEventLoopGroup group;
    private VxlanEndpointComponent endpoint;
    private DatagramSocket site;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.deactivate();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (site != null) {
            site.close();
        }
    }

    private VxlanEndpointComponent start(boolean epoll, int port) throws IOException {
        int loops = epoll ? LOOPS : 1;
        group = new MultiThreadIoEventLoopGroup(loops, UdpTransport.ioHandlerFactory(epoll));
        List<EventLoop> ordered = new ArrayList<>();
        group.forEach(executor -> ordered.add((EventLoop) executor));
        DataPathLoops dataPathLoops = new DataPathLoops() {
            @Override
            public List<EventLoop> loops() {
                return ordered;
            }

            @Override
            public boolean nativeEpoll() {
                return epoll;
            }
        };
        site = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        return new VxlanEndpointComponent(noFramework(), new TunnelTable(), dataPathLoops, listen(port));
    }

    /** Enough of a bundle context for the trunk's service tracker, which then finds no link. */
    private static BundleContext noFramework() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "toString" -> "no framework";
                    case "hashCode" -> 0;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }

    private static Map<String, Object> listen(int port) {
        return Map.of("listen", "127.0.0.1:" + port);
    }

    private static int freePort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return probe.getLocalPort();
        }
    }

    /** A packet offered to each loop's sender (from that loop, as a tenant would) arrives at the site from the port. */
    private void sendToSite(int port) throws Exception {
        SiteSenders senders = endpoint.toSites();
        InetSocketAddress to = (InetSocketAddress) site.getLocalSocketAddress();
        for (int i = 0; i < senders.size(); i++) {
            ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(i).writeZero(60);
            assertThat(senders.get(i).send(packet, to)).isTrue();
        }
        java.util.Set<Integer> arrived = new java.util.HashSet<>();
        site.setSoTimeout(5000);
        for (int i = 0; i < senders.size(); i++) {
            DatagramPacket datagram = new DatagramPacket(new byte[128], 128);
            site.receive(datagram);
            assertThat(datagram.getPort()).as("source port").isEqualTo(port);
            assertThat(datagram.getLength()).isEqualTo(64);
            arrived.add(java.nio.ByteBuffer.wrap(datagram.getData()).getInt());
        }
        assertThat(arrived).hasSize(senders.size());
    }

    /** VXLAN packets to tenant MACs on every loop; none has a tunnel, so each counts as unknown. */
    private void sendFromSite(int port, int packets) throws Exception {
        long before = endpoint.unknownTunnelDrops();
        for (int i = 0; i < packets; i++) {
            long mac = AccessFrames.TENANT_MAC + i;
            byte[] packet = AccessFrames.vxlan(5000, AccessFrames.ethernet(mac, 0x02_00_00_00_00_01L, 46));
            site.send(new DatagramPacket(packet, packet.length, new InetSocketAddress("127.0.0.1", port)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endpoint.unknownTunnelDrops() < before + packets && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(endpoint.unknownTunnelDrops() - before).as("packets that reached the switch").isEqualTo(packets);
    }

    @Test
    void withEpollEverySocketHasItsOwnReceiverAndRebindingLeavesNoDescriptor() throws Exception {
        assumeTrue(UdpTransport.epoll(), "native epoll not available here");
        assumeTrue(UdpTransport.ownIoUnavailable(true) == null, "no native access here");
        int[] ports = {freePort(), freePort()};
        endpoint = start(true, ports[0]);
        assertThat(endpoint.listenAddress()).isEqualTo("127.0.0.1:" + ports[0]);
        assertThat(endpoint.ownSockets()).isEqualTo(LOOPS);
        sendFromSite(ports[0], 20);
        sendToSite(ports[0]);
        int before = openDescriptors();

        for (int round = 1; round <= 30; round++) {
            int port = ports[round % 2];
            endpoint.modified(listen(port));
            assertThat(endpoint.listenAddress()).isEqualTo("127.0.0.1:" + port);
            assertThat(endpoint.ownSockets()).isEqualTo(LOOPS);
            sendFromSite(port, 4);
            sendToSite(port);
        }
        assertThat(endpoint.sendErrors()).isZero();
        assertThat(endpoint.toSites().unsentDrops()).isZero();

        assertThat(openDescriptors()).as("open descriptors after 30 rebinds").isLessThanOrEqualTo(before);
        endpoint.deactivate();
        assertThat(endpoint.ownSockets()).isZero();
        assertThat(openDescriptors()).as("sockets and duplicates closed").isLessThanOrEqualTo(before - 2 * LOOPS);
        endpoint = null;
    }

    @Test
    void mergedReadsAreOnByDefaultAndTheGroKeyTurnsThemOffAndOnLive() throws Exception {
        assumeTrue(UdpTransport.epoll(), "native epoll not available here");
        assumeTrue(UdpTransport.ownIoUnavailable(true) == null, "no native access here");
        int port = freePort();
        endpoint = start(true, port);
        assumeTrue(endpoint.mergedReads(), "the kernel has no UDP GRO");
        assertThat(endpoint.ownSockets()).isEqualTo(LOOPS);
        sendFromSite(port, 20);
        sendToSite(port);

        endpoint.modified(Map.of("listen", "127.0.0.1:" + port, "gro", "false"));
        assertThat(endpoint.mergedReads()).as("off when asked").isFalse();
        assertThat(endpoint.ownSockets()).isEqualTo(LOOPS);
        sendFromSite(port, 4);
        sendToSite(port);

        endpoint.modified(Map.of("listen", "127.0.0.1:" + port, "gro", "true"));
        assertThat(endpoint.mergedReads()).as("on again").isTrue();
        sendFromSite(port, 4);

        endpoint.modified(Map.of("listen", "127.0.0.1:" + port, "gro", "maybe")); // not a flag: off, logged
        assertThat(endpoint.mergedReads()).isFalse();
        sendFromSite(port, 4);
        sendToSite(port);
    }

    @Test
    void withNioNettyReads() throws Exception {
        int port = freePort();
        endpoint = start(false, port);
        assertThat(endpoint.ownSockets()).isZero();
        sendFromSite(port, 20);
        sendToSite(port);
    }

    private static int openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }
}
