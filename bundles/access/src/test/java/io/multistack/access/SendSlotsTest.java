package io.multistack.access;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The bytes {@code sendmmsg} reads: names of both families, the iovec, the UDP_SEGMENT cmsg. */
class SendSlotsTest {
    private static final int ADDRESS_192_0_2_9 = 0xC0_00_02_09;

    /** The message header of {@code slot}, read through the pointers as the kernel does. */
    private static MemorySegment message(SendSlots slots, int slot) {
        return slots.from(slot).reinterpret(MessageSlots.MMSGHDR.byteSize());
    }

    private static MemorySegment pointee(MemorySegment message, long offset, long size) {
        return message.get(ADDRESS, offset).reinterpret(size);
    }

    @Test
    void anIpv4SocketGetsSockaddrIn() {
        try (Arena arena = Arena.ofConfined()) {
            SendSlots slots = new SendSlots(arena, 4, MessageSlots.AF_INET);
            slots.destination(2, ADDRESS_192_0_2_9, 4789);
            MemorySegment message = message(slots, 2);
            assertThat(message.get(JAVA_INT, MessageSlots.MSG_NAMELEN)).isEqualTo(16);
            MemorySegment name = pointee(message, MessageSlots.MSG_NAME, 16);
            assertThat(name.get(JAVA_SHORT, 0)).isEqualTo(MessageSlots.AF_INET);
            assertThat(name.asSlice(2, 6).toArray(JAVA_BYTE)).containsExactly(0x12, (byte) 0xB5, (byte) 192, 0, 2, 9);
            assertThat(name.asSlice(8, 8).toArray(JAVA_BYTE)).containsOnly(0);
            assertThat(slots.from(3).address() - slots.from(2).address()).isEqualTo(64);
        }
    }

    @Test
    void aDualStackSocketGetsAnIpv4MappedSockaddrIn6() {
        try (Arena arena = Arena.ofConfined()) {
            SendSlots slots = new SendSlots(arena, 4, MessageSlots.AF_INET6);
            slots.destination(1, ADDRESS_192_0_2_9, 4789);
            MemorySegment message = message(slots, 1);
            assertThat(message.get(JAVA_INT, MessageSlots.MSG_NAMELEN)).isEqualTo(28);
            MemorySegment name = pointee(message, MessageSlots.MSG_NAME, 28);
            assertThat(name.get(JAVA_SHORT, 0)).isEqualTo(MessageSlots.AF_INET6);
            assertThat(name.asSlice(2, 2).toArray(JAVA_BYTE)).containsExactly(0x12, (byte) 0xB5);
            assertThat(name.asSlice(4, 4).toArray(JAVA_BYTE)).as("flow info").containsOnly(0);
            assertThat(name.asSlice(8, 16).toArray(JAVA_BYTE))
                    .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 192, 0, 2, 9);
            assertThat(name.get(JAVA_INT, 24)).as("scope").isZero();
            assertThat(MessageSlots.ipv4Of(name, 0, 28)).isEqualTo(ADDRESS_192_0_2_9 & 0xFFFF_FFFFL);
        }
    }

    @Test
    void aPayloadIsOneIovecAndASegmentedOneCarriesUdpSegment() {
        try (Arena arena = Arena.ofConfined()) {
            SendSlots slots = new SendSlots(arena, 2, MessageSlots.AF_INET);
            MemorySegment packet = arena.allocate(3000);
            slots.payload(0, packet.address(), 1400);
            MemorySegment message = message(slots, 0);
            assertThat(message.get(JAVA_LONG, MessageSlots.MSG_IOVLEN)).isEqualTo(1);
            MemorySegment iovec = pointee(message, MessageSlots.MSG_IOV, 16);
            assertThat(iovec.get(JAVA_LONG, 0)).isEqualTo(packet.address());
            assertThat(iovec.get(JAVA_LONG, 8)).isEqualTo(1400);
            assertThat(message.get(JAVA_LONG, MessageSlots.MSG_CONTROLLEN)).isZero();
            assertThat(slots.segmentedAt(0)).isFalse();

            slots.segmented(0, 1400);
            slots.length(0, 2900);
            assertThat(slots.segmentedAt(0)).isTrue();
            assertThat(message.get(JAVA_LONG, MessageSlots.MSG_CONTROLLEN)).isEqualTo(24);
            MemorySegment control = pointee(message, MessageSlots.MSG_CONTROL, 24);
            assertThat(control.get(JAVA_LONG, 0)).as("CMSG_LEN(2)").isEqualTo(18);
            assertThat(control.get(JAVA_INT, 8)).as("SOL_UDP").isEqualTo(17);
            assertThat(control.get(JAVA_INT, 12)).as("UDP_SEGMENT").isEqualTo(103);
            assertThat(control.get(JAVA_SHORT, 16)).isEqualTo((short) 1400);
            assertThat(iovec.get(JAVA_LONG, 8)).isEqualTo(2900);

            slots.payload(0, packet.address() + 1400, 1400); // as a refused run goes segment by segment
            assertThat(slots.segmentedAt(0)).isFalse();
            assertThat(message.get(JAVA_LONG, MessageSlots.MSG_CONTROL)).isZero();
            assertThat(slots.base(0)).isEqualTo(packet.address() + 1400);
        }
    }
}
