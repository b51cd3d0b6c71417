package io.multistack.links.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class AuxDataTest {
    /** A control buffer as the kernel writes it: a cmsghdr (len 36) then tpacket_auxdata, padded to 40. */
    private static MemorySegment control(Arena arena, int status, int tci, int tpid) {
        MemorySegment control = arena.allocate(64, 8);
        control.set(ValueLayout.JAVA_LONG, 0, 16 + 20);
        control.set(ValueLayout.JAVA_INT, 8, AuxData.SOL_PACKET);
        control.set(ValueLayout.JAVA_INT, 12, AuxData.PACKET_AUXDATA);
        control.set(ValueLayout.JAVA_INT, 16, status);
        control.set(ValueLayout.JAVA_INT, 20, 60); // tp_len
        control.set(ValueLayout.JAVA_INT, 24, 60); // tp_snaplen
        control.set(ValueLayout.JAVA_SHORT, 32, (short) tci);
        control.set(ValueLayout.JAVA_SHORT, 34, (short) tpid);
        return control;
    }

    @Test
    void strippedTagIsReportedWithItsTpid() {
        try (Arena arena = Arena.ofConfined()) {
            int status = 1 | AuxData.TP_STATUS_VLAN_VALID | AuxData.TP_STATUS_VLAN_TPID_VALID;
            assertThat(AuxData.find(control(arena, status, 0xa00a, 0x88a8), 40)).isEqualTo(new AuxData(0xa00a, 0x88a8));
        }
    }

    @Test
    void withoutTpidFlagTheTpidIs8021q() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(AuxData.find(control(arena, AuxData.TP_STATUS_VLAN_VALID, 0, 0xffff), 40))
                    .isEqualTo(new AuxData(0, 0x8100));
        }
    }

    @Test
    void untaggedFrameHasNoTag() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(AuxData.find(control(arena, 1, 0, 0), 40)).isNull();
        }
    }

    @Test
    void oldKernelsSignalTagByNonZeroTci() {
        try (Arena arena = Arena.ofConfined()) {
            assertThat(AuxData.find(control(arena, 0, 7, 0), 40)).isEqualTo(new AuxData(7, 0x8100));
        }
    }

    @Test
    void otherOrTruncatedControlMessagesAreSkipped() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = control(arena, AuxData.TP_STATUS_VLAN_VALID, 5, 0);
            assertThat(AuxData.find(control, 20)).isNull();
            control.set(ValueLayout.JAVA_INT, 12, 99);
            assertThat(AuxData.find(control, 40)).isNull();
            control.set(ValueLayout.JAVA_LONG, 0, 3); // impossible cmsg_len
            assertThat(AuxData.find(control, 40)).isNull();
        }
    }
}
