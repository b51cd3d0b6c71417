package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MalformedPacketExceptionTest {

    @Test
    void carriesItsReasonAsMessage() {
        MalformedPacketException e = new MalformedPacketException("ipv4.bad-checksum");

        assertThat(e.reason()).isEqualTo("ipv4.bad-checksum");
        assertThat(e.getMessage()).isEqualTo("ipv4.bad-checksum");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void isStacklessBecauseAttackersCanMakeItThrowForEveryFrame() {
        MalformedPacketException e = new MalformedPacketException("udp.truncated");

        assertThat(e.getStackTrace()).isEmpty();
        e.fillInStackTrace();
        assertThat(e.getStackTrace()).isEmpty();
    }

    @Test
    void suppressionIsDisabled() {
        MalformedPacketException e = new MalformedPacketException("arp.truncated");

        e.addSuppressed(new IllegalStateException());

        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void isACheckedException() {
        assertThat(new MalformedPacketException("x")).isInstanceOf(Exception.class)
                .isNotInstanceOf(RuntimeException.class);
    }
}
