package io.multistack.links.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class IfreqTest {
    @Test
    void layoutMatchesLinuxIfreq() {
        try (Arena arena = Arena.ofConfined()) {
            Ifreq request = Ifreq.allocate(arena, "tap7").flags(0x1002);
            assertThat(request.segment().byteSize()).isEqualTo(40);
            byte[] bytes = request.segment().toArray(ValueLayout.JAVA_BYTE);
            assertThat(new String(bytes, 0, 4)).isEqualTo("tap7");
            assertThat(bytes[4]).isZero();
            // ifr_flags is a little-endian short at offset 16 (IFF_TAP | IFF_NO_PI)
            assertThat(bytes[16]).isEqualTo((byte) 0x02);
            assertThat(bytes[17]).isEqualTo((byte) 0x10);
            assertThat(request.name()).isEqualTo("tap7");
            assertThat(request.mtu(9000).mtu()).isEqualTo(9000);
            assertThat(request.segment().get(ValueLayout.JAVA_INT, 16)).isEqualTo(9000);
        }
    }

    @Test
    void fifteenCharactersFitSixteenDoNot() {
        Ifreq.checkName("a234567890abcde");
        assertThatThrownBy(() -> Ifreq.checkName("a234567890abcdef")).hasMessageContaining("1..15");
        assertThatThrownBy(() -> Ifreq.checkName("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ifreq.checkName("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ifreq.checkName("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ioctlRequestNumbersAreTheKernels() {
        assertThat(InterfaceControl.SIOCSIFFLAGS).isEqualTo(0x8914);
        // TUNSETIFF = _IOW('T', 202, int): direction 1 << 30, size 4 << 16, type 'T' << 8, number 202
        assertThat((1L << 30) | (4L << 16) | ('T' << 8) | 202).isEqualTo(0x400454caL);
    }

    @Test
    void sockaddrLlBindsEveryProtocolOnOneInterface() {
        try (Arena arena = Arena.ofConfined()) {
            var address = SockaddrLl.bindAll(arena, 42);
            byte[] bytes = address.toArray(ValueLayout.JAVA_BYTE);
            assertThat(bytes).hasSize(20);
            assertThat(bytes[0]).isEqualTo((byte) 17); // AF_PACKET, host order
            assertThat(bytes[2]).isZero(); // htons(ETH_P_ALL) = 00 03 on the wire
            assertThat(bytes[3]).isEqualTo((byte) 3);
            assertThat(SockaddrLl.ifindex(address)).isEqualTo(42);
        }
    }

    @Test
    void syscallErrorsNameTheErrno() {
        SyscallException e = new SyscallException("read", Errno.EBADFD);
        assertThat(e.getMessage()).startsWith("read: EBADFD (").contains("File descriptor in bad state");
        assertThat(e.interfaceLost()).isTrue();
        assertThat(new SyscallException("read", Errno.EAGAIN).wouldBlock()).isTrue();
    }

    @Test
    void missingInterfaceIsEnodev() {
        assertThatThrownBy(() -> Libc.ifNameToIndex("nosuchif0"))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV))
                .hasMessageContaining("ENODEV");
    }
}
