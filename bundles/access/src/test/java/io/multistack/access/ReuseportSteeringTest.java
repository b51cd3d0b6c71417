package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multistack.api.loop.DataPathLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three endpoint sockets on one port with the steering program, as the endpoint binds them:
 * every packet, from whichever site port (which alone would spread them by hash), arrives on
 * the socket whose index the inner destination MAC selects.
 */
class ReuseportSteeringTest {
    private static final int SOCKETS = 3;
    private MultiThreadIoEventLoopGroup group;
    private final List<Channel> sockets = new ArrayList<>();
    private final List<DatagramChannel> sites = new ArrayList<>();
    /** Inner destination MAC of each packet -> index of the socket that read it. */
    private final Map<Long, Integer> readBy = new ConcurrentHashMap<>();

    @AfterEach
    void close() throws Exception {
        sockets.forEach(socket -> socket.close().syncUninterruptibly());
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (DatagramChannel site : sites) {
            site.close();
        }
    }

    @Test
    void eachPacketIsReadByTheSocketOfItsInnerDestinationMac() throws Exception {
        assumeTrue(UdpTransport.epoll(), "native epoll not available here");
        group = new MultiThreadIoEventLoopGroup(SOCKETS, UdpTransport.ioHandlerFactory(true));
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        for (int i = 0; i < SOCKETS; i++) {
            int index = i;
            Bootstrap bootstrap = UdpTransport.sharedPort(UdpTransport.configure(new Bootstrap().group(group.next())
                    .channelFactory(UdpTransport.channelFactory(true)), true))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            long mac = packet.content().getLong(packet.content().readerIndex() + 8) >>> 16;
                            readBy.put(mac, index);
                        }
                    });
            Channel socket = bootstrap.bind(address).sync().channel();
            sockets.add(socket);
            address = (InetSocketAddress) socket.localAddress();
        }
        UdpTransport.steerByInnerDestination(sockets.get(0), SOCKETS);

        List<Long> macs = new ArrayList<>();
        for (int site = 0; site < 8; site++) {
            DatagramChannel from = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            sites.add(from);
            for (int vlan = 0; vlan < 6; vlan++) {
                long mac = 0x02_6D_73_00_00_00L | (site << 8) | (vlan * 37 + site);
                macs.add(mac);
                from.send(vxlanFrameTo(mac), address);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (readBy.size() < macs.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(readBy).hasSameSizeAs(macs);
        for (long mac : macs) {
            assertThat(readBy.get(mac)).as("socket of %012x", mac).isEqualTo(DataPathLoops.loopIndex(mac, SOCKETS));
        }
        assertThat(readBy.values()).as("all sockets get some").containsAll(List.of(0, 1, 2));
    }

    /** A VXLAN header and the start of an Ethernet frame to {@code mac}. */
    private static ByteBuffer vxlanFrameTo(long mac) {
        ByteBuffer packet = ByteBuffer.allocate(8 + 60);
        packet.putInt(0x0800_0000).putInt(100 << 8);
        packet.putShort((short) (mac >>> 32)).putInt((int) mac);
        packet.put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        return packet.position(0);
    }
}
