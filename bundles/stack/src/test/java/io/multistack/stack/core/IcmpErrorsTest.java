package io.multistack.stack.core;

import static io.multistack.stack.core.Frames.BROADCAST_MAC;
import static io.multistack.stack.core.Frames.ETHERTYPE_IPV4;
import static io.multistack.stack.core.StackKit.HOST_IP;
import static io.multistack.stack.core.StackKit.HOST_MAC;
import static io.multistack.stack.core.StackKit.OUR_IP;
import static io.multistack.stack.core.StackKit.OUR_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.stack.core.Frames.IcmpMessage;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ICMP errors the stack sends (unreachable protocol and port) and path MTU it learns from ICMP. */
class IcmpErrorsTest {
    private static final int DESTINATION_UNREACHABLE = 3;
    private static final int GRE = 47;
    private static final int FAR = Frames.ip("203.0.113.7");
    private StackKit kit;

    @AfterEach
    void closeWithoutLeaks() {
        if (kit != null) {
            kit.close();
        }
    }

    private StackKit upWithHost(long start) {
        kit = StackKit.up(StackKit.settings("192.168.1.1", 24, "192.168.1.254"), start);
        kit.hostResolvesUs();
        return kit;
    }

    private byte[] greFromHost() {
        return Frames.ipv4(HOST_IP, OUR_IP, GRE, Frames.pattern(12));
    }

    @Test
    void unsupportedProtocolIsAnsweredProtocolUnreachableQuotingThePacket() {
        upWithHost(5_000_000_000L);
        byte[] packet = greFromHost();
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, packet));

        IcmpMessage error = kit.expectIcmp(HOST_MAC, HOST_IP);
        assertThat(error.type()).isEqualTo(DESTINATION_UNREACHABLE);
        assertThat(error.code()).isEqualTo(2);
        assertThat(error.data()).isEqualTo(packet);
        kit.expectNothing();
        assertThat(kit.core.drops().get("ipv4.unsupported-protocol")).isEqualTo(1);
    }

    @Test
    void udpToAClosedPortIsAnsweredPortUnreachable() {
        upWithHost(5_000_000_000L);
        byte[] packet = Frames.ipv4(HOST_IP, OUR_IP, 17, Frames.udp(HOST_IP, OUR_IP, 40000, 53, Frames.pattern(10)));
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, packet));

        IcmpMessage error = kit.expectIcmp(HOST_MAC, HOST_IP);
        assertThat(error.type()).isEqualTo(DESTINATION_UNREACHABLE);
        assertThat(error.code()).isEqualTo(3);
        assertThat(error.data()).isEqualTo(packet);
        kit.expectNothing();
        assertThat(kit.core.drops().get("udp.no-socket")).isEqualTo(1);
    }

    @Test
    void noErrorAboutABroadcast() {
        upWithHost(5_000_000_000L);
        kit.receive(Frames.ethernet(BROADCAST_MAC, HOST_MAC, ETHERTYPE_IPV4,
                Frames.ipv4(HOST_IP, Frames.ip("192.168.1.255"), GRE, Frames.pattern(12))));

        kit.expectNothing();
        assertThat(kit.core.drops().get("ipv4.unsupported-protocol")).isEqualTo(1);
    }

    @Test
    void errorsAreRateLimitedToABurstOfFiftyThenOnePerMillisecond() {
        upWithHost(5_000_000_000L);
        byte[] frame = Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, greFromHost());
        for (int i = 0; i < 51; i++) {
            kit.receive(frame);
        }
        assertThat(kit.device.pending()).isEqualTo(50);
        assertThat(kit.core.drops().get("icmp.error-rate-limited")).isEqualTo(1);
        kit.device.releaseAll();

        kit.advance(Duration.ofMillis(1));
        kit.receive(frame);
        kit.receive(frame);
        kit.expectIcmp(HOST_MAC, HOST_IP);
        kit.expectNothing();
        assertThat(kit.core.drops().get("icmp.error-rate-limited")).isEqualTo(2);
    }

    /** Regression: the rate limiter once started from a sentinel that overflowed beyond +-2^62 ns. */
    @Test
    void errorsAreSentWhateverTheClocksOrigin() {
        upWithHost(Long.MIN_VALUE / 2 - 1_000_000_000L);
        kit.receive(Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, greFromHost()));

        assertThat(kit.expectIcmp(HOST_MAC, HOST_IP).type()).isEqualTo(DESTINATION_UNREACHABLE);
        kit.expectNothing();
    }

    @Test
    void fragmentationNeededLowersThePathMtuForTenMinutes() {
        upWithHost(5_000_000_000L);
        assertThat(kit.core.mtu(FAR)).isEqualTo(1500);
        kit.receive(fragmentationNeeded(OUR_IP, 1400));
        assertThat(kit.core.mtu(FAR)).isEqualTo(1400);
        assertThat(kit.core.mtu(HOST_IP)).isEqualTo(1500);

        kit.receive(fragmentationNeeded(OUR_IP, 1450));
        assertThat(kit.core.mtu(FAR)).as("never raised by ICMP").isEqualTo(1400);

        kit.advance(Duration.ofMinutes(10));
        assertThat(kit.core.mtu(FAR)).isEqualTo(1500);
        kit.expectNothing();
    }

    @Test
    void pathMtuHasAFloor() {
        upWithHost(5_000_000_000L);
        kit.receive(fragmentationNeeded(OUR_IP, 68));
        assertThat(kit.core.mtu(FAR)).isEqualTo(552);
    }

    @Test
    void fragmentationNeededAboutSomeoneElsesPacketIsIgnored() {
        upWithHost(5_000_000_000L);
        kit.receive(fragmentationNeeded(Frames.ip("192.168.1.99"), 1400));
        assertThat(kit.core.mtu(FAR)).isEqualTo(1500);
        assertThat(kit.core.drops().get("icmp.unreachable-not-ours")).isEqualTo(1);
    }

    /** A router's "fragmentation needed" (type 3 code 4) quoting a packet from {@code quotedSource} to FAR. */
    private byte[] fragmentationNeeded(int quotedSource, int mtu) {
        byte[] quoted = Arrays.copyOf(Frames.ipv4(quotedSource, FAR, 6, new byte[8]), 28);
        byte[] icmp = new byte[8 + quoted.length];
        icmp[0] = DESTINATION_UNREACHABLE;
        icmp[1] = 4;
        Frames.putShort(icmp, 6, mtu);
        System.arraycopy(quoted, 0, icmp, 8, quoted.length);
        Frames.putShort(icmp, 2, Frames.checksum(icmp, 0, icmp.length));
        return Frames.ethernet(OUR_MAC, StackKit.GATEWAY_MAC, ETHERTYPE_IPV4,
                Frames.ipv4(Frames.ip("198.51.100.1"), OUR_IP, 1, icmp));
    }
}
