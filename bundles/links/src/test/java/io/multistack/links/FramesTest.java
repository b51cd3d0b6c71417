package io.multistack.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class FramesTest {
    private static final String MACS = "ffffffffffff" + "020000000001";

    @Test
    void strippedTagGoesBackBetweenMacsAndEtherType() {
        ByteBuf frame = Unpooled.directBuffer(64);
        frame.setIndex(Frames.HEADROOM, Frames.HEADROOM).writeBytes(ByteBufUtil.decodeHexDump(MACS + "0806" + "0001"));
        Frames.reinsertTag(frame, 0x8100, 0x2064);
        assertThat(frame.readerIndex()).isZero();
        assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(MACS + "8100" + "2064" + "0806" + "0001");
        frame.release();
    }

    @Test
    void frameThatKeptItsTagIsLeftAlone() {
        // The other form: no auxdata, the tag is still in the frame; the link passes it as is.
        ByteBuf frame = Unpooled.directBuffer(64);
        frame.setIndex(Frames.HEADROOM, Frames.HEADROOM)
                .writeBytes(ByteBufUtil.decodeHexDump(MACS + "8100" + "0064" + "0800"));
        assertThat(ByteBufUtil.hexDump(frame)).isEqualTo(MACS + "81000064" + "0800");
        frame.release();
    }

    @Test
    void directBufferIsSeenInPlace() {
        ByteBuf buffer = Unpooled.directBuffer(32);
        var segment = Frames.segment(buffer, 4, 8);
        assertThat(segment.byteSize()).isEqualTo(8);
        segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x5a);
        assertThat(buffer.getByte(4)).isEqualTo((byte) 0x5a);
        buffer.release();
    }
}
