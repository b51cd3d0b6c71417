package io.multistack.stack.core;

import static io.multistack.stack.core.Frames.ETHERTYPE_IPV4;
import static io.multistack.stack.core.StackKit.HOST_IP;
import static io.multistack.stack.core.StackKit.HOST_MAC;
import static io.multistack.stack.core.StackKit.OUR_IP;
import static io.multistack.stack.core.StackKit.OUR_MAC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.stack.core.Frames.Ipv4Packet;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP through the stack: port demux, checksums both ways, sending to a resolved neighbour. */
class UdpLayerTest {
    record Datagram(int sourceIp, int sourcePort, int destinationPort, byte[] payload) {}

    private final List<Datagram> received = new ArrayList<>();
    private StackKit kit;

    @BeforeEach
    void up() {
        kit = StackKit.up();
        kit.hostResolvesUs();
    }

    @AfterEach
    void closeWithoutLeaks() {
        kit.close();
    }

    private void bind(int port) {
        kit.core.udp().bind(port, (sourceIp, sourcePort, destinationIp, destinationPort, payload, now) -> {
            byte[] bytes = new byte[payload.readableBytes()];
            payload.getBytes(payload.readerIndex(), bytes);
            payload.release();
            received.add(new Datagram(sourceIp, sourcePort, destinationPort, bytes));
        });
    }

    private byte[] udpFromHost(int destinationPort, byte[] data) {
        return Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4,
                Frames.ipv4(HOST_IP, OUR_IP, 17, Frames.udp(HOST_IP, OUR_IP, 40000, destinationPort, data)));
    }

    @Test
    void aDatagramReachesItsBoundPort() {
        bind(53);
        bind(54);
        byte[] data = Frames.pattern(33);
        kit.receive(udpFromHost(53, data));

        assertThat(received).singleElement().satisfies(datagram -> {
            assertThat(datagram.sourceIp()).isEqualTo(HOST_IP);
            assertThat(datagram.sourcePort()).isEqualTo(40000);
            assertThat(datagram.destinationPort()).isEqualTo(53);
            assertThat(datagram.payload()).isEqualTo(data);
        });
        kit.expectNothing();
    }

    @Test
    void aZeroChecksumMeansNoneAndIsAccepted() {
        bind(53);
        byte[] udp = Frames.udp(HOST_IP, OUR_IP, 40000, 53, new byte[] {1, 2, 3});
        udp[6] = 0;
        udp[7] = 0;
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 17, udp)));
        assertThat(received).hasSize(1);
    }

    @Test
    void aBadChecksumIsCounted() {
        bind(53);
        byte[] udp = Frames.udp(HOST_IP, OUR_IP, 40000, 53, new byte[] {1, 2, 3});
        udp[8] ^= 1;
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 17, udp)));

        assertThat(received).isEmpty();
        assertThat(kit.core.drops().get("udp.bad-checksum")).isEqualTo(1);
        kit.expectNothing();
    }

    @Test
    void aLengthBeyondThePacketIsCounted() {
        bind(53);
        byte[] udp = Frames.udp(HOST_IP, OUR_IP, 40000, 53, new byte[] {1, 2, 3});
        Frames.putShort(udp, 4, 200);
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 17, udp)));
        assertThat(kit.core.drops().get("udp.bad-length")).isEqualTo(1);
    }

    @Test
    void sendingBuildsAValidDatagramToTheNeighbour() {
        byte[] data = Frames.pattern(101);
        kit.core.udp().send(5353, HOST_IP, 40000, Unpooled.wrappedBuffer(data), kit.now);

        Ipv4Packet ip = kit.expectIpv4(HOST_MAC);
        assertThat(ip.protocol()).isEqualTo(17);
        assertThat(ip.destination()).isEqualTo(HOST_IP);
        byte[] udp = ip.payload();
        ByteBuffer header = ByteBuffer.wrap(udp);
        assertThat(header.getShort(0) & 0xFFFF).isEqualTo(5353);
        assertThat(header.getShort(2) & 0xFFFF).isEqualTo(40000);
        assertThat(header.getShort(4) & 0xFFFF).isEqualTo(8 + data.length);
        assertThat(Arrays.copyOfRange(udp, 8, udp.length)).isEqualTo(data);
        byte[] recomputed = Frames.udp(OUR_IP, HOST_IP, 5353, 40000, data);
        assertThat(Arrays.copyOfRange(udp, 6, 8)).as("checksum").isEqualTo(Arrays.copyOfRange(recomputed, 6, 8));
        kit.expectNothing();
    }

    @Test
    void portsAreExclusiveAndEphemeralOnesAreHandedOut() {
        bind(53);
        assertThatThrownBy(() -> bind(53)).isInstanceOf(IllegalStateException.class).hasMessageContaining("53");
        int first = kit.core.udp().bind(0, (a, b, c, d, payload, now) -> payload.release());
        int second = kit.core.udp().bind(0, (a, b, c, d, payload, now) -> payload.release());
        assertThat(first).isBetween(49152, 65535);
        assertThat(second).isNotEqualTo(first).isBetween(49152, 65535);
        assertThatThrownBy(() -> bind(70000)).isInstanceOf(IllegalArgumentException.class);
    }
}
