package io.multistack.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ConsoleProtocolTest {

    @Test
    void theRequestIsEverythingUpToEndOfStream() throws IOException {
        assertThat(ConsoleProtocol.readCommand(channel("tenant:add D 603 192.168.1.1/24"), 64))
                .isEqualTo("tenant:add D 603 192.168.1.1/24");
    }

    @Test
    void aRequestOfExactlyTheLimitIsAccepted() throws IOException {
        assertThat(ConsoleProtocol.readCommand(channel("x".repeat(16)), 16)).hasSize(16);
    }

    @Test
    void aLongerRequestIsRefusedWithoutBufferingIt() {
        assertThatThrownBy(() -> ConsoleProtocol.readCommand(channel("x".repeat(17)), 16))
                .isInstanceOf(ConsoleProtocol.RequestTooLong.class)
                .hasMessage("command longer than 16 bytes");
    }

    @Test
    void multiByteCharactersSurvive() throws IOException {
        assertThat(ConsoleProtocol.readCommand(channel("echo grüße"), 64)).isEqualTo("echo grüße");
    }

    @Test
    void theReplyIsAStatusLineThenTheOutput() {
        assertThat(decode(new Reply(Reply.Status.OK, "A 600\n"))).isEqualTo("status 0\nA 600\n");
        assertThat(decode(new Reply(Reply.Status.FAILED, "gogo: boom\n"))).isEqualTo("status 1\ngogo: boom\n");
        assertThat(decode(Reply.rejected("busy"))).isEqualTo("status 2\nconsole: busy\n");
        assertThat(decode(new Reply(Reply.Status.TIMED_OUT, ""))).isEqualTo("status 3\n");
    }

    private static ReadableByteChannel channel(String text) {
        return Channels.newChannel(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String decode(Reply reply) {
        return StandardCharsets.UTF_8.decode(ConsoleProtocol.encode(reply)).toString();
    }
}
