package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommandParserTest {
    private static Command parse(String line) throws CommandParser.Malformed {
        return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private static int code(byte[] line) {
        try {
            CommandParser.parse(line);
            return 0;
        } catch (CommandParser.Malformed malformed) {
            return malformed.reply().code();
        }
    }

    @Test
    void verbIsUpperCasedAndArgumentKeptExactly() throws Exception {
        assertThat(parse("retr  Two  Spaces.txt")).isEqualTo(new Command("RETR", " Two  Spaces.txt"));
        assertThat(parse("NOOP")).isEqualTo(new Command("NOOP", ""));
        assertThat(parse("PWD\r")).isEqualTo(new Command("PWD", ""));
    }

    @Test
    void utf8NamesSurvive() throws Exception {
        assertThat(parse("STOR grüße ü.txt").argument()).isEqualTo("grüße ü.txt");
    }

    @Test
    void telnetInterruptBeforeAborIsDropped() throws Exception {
        byte[] line = {(byte) 0xFF, (byte) 0xF4, (byte) 0xFF, (byte) 0xF2, 'A', 'B', 'O', 'R'};
        assertThat(CommandParser.parse(line)).isEqualTo(new Command("ABOR", ""));
    }

    @Test
    void malformedLinesAre500Or501() {
        assertThat(code("".getBytes())).isEqualTo(500);
        assertThat(code(" LIST".getBytes())).isEqualTo(500);
        assertThat(code("TOOLONGVERB x".getBytes())).isEqualTo(500);
        assertThat(code("LI5T".getBytes())).isEqualTo(500);
        assertThat(code(new byte[] {'R', 'E', 'T', 'R', ' ', (byte) 0xC3})).isEqualTo(501);
        assertThat(code("RETR a\0b".getBytes())).isEqualTo(501);
        assertThatThrownBy(() -> parse("ÄÖÜ x")).isInstanceOf(CommandParser.Malformed.class);
    }

    @Test
    void randomBytesNeverThrowAnythingElse() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] line = new byte[random.nextInt(40)];
            random.nextBytes(line);
            int code = code(line);
            assertThat(code).isIn(0, 500, 501);
        }
    }

    @Test
    void repliesAreEncodedAsRfc959SingleAndMultiLine() {
        assertThat(new String(Reply.of(200, "ok").encode(), StandardCharsets.UTF_8)).isEqualTo("200 ok\r\n");
        assertThat(new String(Reply.multi(211, "Features:", java.util.List.of("SIZE", "MDTM"), "End").encode(),
                StandardCharsets.UTF_8)).isEqualTo("211-Features:\r\n SIZE\r\n MDTM\r\n211 End\r\n");
        assertThat(new String(Reply.of(550, "a\r\nb").encode(), StandardCharsets.UTF_8)).isEqualTo("550 a b\r\n");
    }
}
