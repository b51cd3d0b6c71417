package io.multistack.diag;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChargenTest {
    @Test
    void lineNIsTheRotatedPrintableAsciiWithCrLf() {
        assertThat(new String(Chargen.line(0), StandardCharsets.US_ASCII))
                .isEqualTo(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n");
        assertThat(new String(Chargen.line(1), StandardCharsets.US_ASCII)).startsWith("!\"#$").endsWith("fgh\r\n");
        assertThat(Chargen.line(94)[0]).isEqualTo((byte) '~');
        assertThat(Chargen.line(94)[1]).as("wraps after '~'").isEqualTo((byte) ' ');
    }

    @Test
    void writtenLinesFollowThePatternAcrossTheCycle() {
        ByteBuf out = Unpooled.buffer();
        int next = Chargen.writeLines(out, 0, 64);
        next = Chargen.writeLines(out, next, 64);
        assertThat(next).isEqualTo(128 % 95);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(Chargen.text(0, 128));
        out.release();
    }
}
