package io.multistack.stack.core;

import static io.multistack.stack.core.Frames.ETHERTYPE_IPV4;
import static io.multistack.stack.core.Frames.ICMP_ECHO_REPLY;
import static io.multistack.stack.core.Frames.ICMP_ECHO_REQUEST;
import static io.multistack.stack.core.StackKit.HOST_IP;
import static io.multistack.stack.core.StackKit.HOST_MAC;
import static io.multistack.stack.core.StackKit.OUR_IP;
import static io.multistack.stack.core.StackKit.OUR_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.stack.core.Frames.IcmpMessage;
import java.time.Duration;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly as the stack's receive path uses it: an echo request cut into fragments. */
class Ipv4FragmentsTest {
    private static final int MORE_FRAGMENTS = 0x2000;

    private final byte[] data = Frames.pattern(40);
    /** 48 bytes of ICMP: split as 24 + 24 (24 is a multiple of 8). */
    private final byte[] icmp = Frames.icmpEcho(ICMP_ECHO_REQUEST, 0x77, 3, data);
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

    private byte[] fragment(int offsetBytes, int length, boolean more) {
        int flags = (more ? MORE_FRAGMENTS : 0) | offsetBytes / 8;
        return Frames.ethernet(OUR_MAC, HOST_MAC, ETHERTYPE_IPV4, Frames.ipv4(HOST_IP, OUR_IP, 1, flags, new byte[0],
                Arrays.copyOfRange(icmp, offsetBytes, offsetBytes + length)));
    }

    private final List<ByteBuf> held = new ArrayList<>();

    /** Fragments are kept (zero copy) until their datagram completes or is dropped. */
    private void held(byte[] frame) {
        held.add(kit.receiveHeld(frame));
    }

    private void assertAllFragmentsReleased() {
        assertThat(held).allSatisfy(frame -> assertThat(frame.refCnt()).isZero());
    }

    private void expectEchoReply() {
        IcmpMessage reply = kit.expectIcmp(HOST_MAC, HOST_IP);
        assertThat(reply.type()).isEqualTo(ICMP_ECHO_REPLY);
        assertThat(reply.identifier()).isEqualTo(0x77);
        assertThat(reply.sequence()).isEqualTo(3);
        assertThat(reply.data()).isEqualTo(data);
        kit.expectNothing();
    }

    @Test
    void twoFragmentsInOrderAreAnsweredOnce() {
        held(fragment(0, 24, true));
        kit.expectNothing();
        held(fragment(24, 24, false));

        expectEchoReply();
        assertThat(kit.core.drops().snapshot()).isEmpty();
        assertAllFragmentsReleased();
    }

    @Test
    void fragmentsOutOfOrderAreReassembled() {
        held(fragment(24, 24, false));
        held(fragment(8, 16, true));
        kit.expectNothing();
        held(fragment(0, 8, true));

        expectEchoReply();
        assertAllFragmentsReleased();
    }

    @Test
    void anIncompleteDatagramTimesOutAfterThirtySeconds() {
        held(fragment(0, 24, true));
        kit.advance(Duration.ofSeconds(30).minusNanos(1));
        assertThat(kit.core.drops().get("ipv4.reassembly-timeout")).isZero();

        kit.advance(Duration.ofNanos(1));
        assertThat(kit.core.drops().get("ipv4.reassembly-timeout")).isEqualTo(1);
        assertAllFragmentsReleased();
        held(fragment(24, 24, false));
        kit.expectNothing();
    }

    @Test
    void overlappingFragmentsDropTheDatagram() {
        held(fragment(0, 24, true));
        held(fragment(16, 32, false));

        kit.expectNothing();
        assertThat(kit.core.drops().get("ipv4.overlapping-fragment")).isEqualTo(1);
        assertAllFragmentsReleased();
    }

    @Test
    void aMiddleFragmentNotAMultipleOfEightIsRefused() {
        held(fragment(0, 20, true));

        kit.expectNothing();
        assertThat(kit.core.drops().get("ipv4.bad-fragment")).isEqualTo(1);
        assertAllFragmentsReleased();
    }

    @Test
    void twoDifferentLastFragmentsDropTheDatagram() {
        held(fragment(24, 24, false));
        held(fragment(48, 8, false)); // a second, different end: 56 instead of 48

        kit.expectNothing();
        assertThat(kit.core.drops().get("ipv4.bad-fragment")).isEqualTo(1);
    }

    @Test
    void aReassembledDatagramIsStillChecked() {
        icmp[20] ^= 0x10;
        held(fragment(0, 24, true));
        held(fragment(24, 24, false));

        kit.expectNothing();
        assertThat(kit.core.drops().snapshot()).containsOnlyKeys("icmp.bad-checksum");
    }

    @Test
    void fragmentsHeldAtCloseAreReleased() {
        held(fragment(0, 24, true));
        held(fragment(24, 8, true));
        kit.core.close(kit.now);
        assertAllFragmentsReleased();
    }
}
