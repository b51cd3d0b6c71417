package io.multistack.example.greeting;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GreeterTest {
    private final AtomicLong greeted = new AtomicLong();

    @Test
    void aNewConnectionGetsTheLineAndIsClosed() {
        EmbeddedChannel connection = new EmbeddedChannel(new GreetingProcess.Greeter("Hello from tenant A (greeting v1)\n", greeted));

        ByteBuf sent = connection.readOutbound();
        assertThat(sent.toString(StandardCharsets.UTF_8)).isEqualTo("Hello from tenant A (greeting v1)\n");
        sent.release();
        assertThat(connection.isOpen()).isFalse();
        assertThat(greeted).hasValue(1);
    }

    @Test
    void whatTheClientSendsIsReleasedAndIgnored() {
        EmbeddedChannel connection = new EmbeddedChannel();
        connection.config().setAutoRead(true);
        GreetingProcess.Greeter greeter = new GreetingProcess.Greeter("x\n", greeted);
        ByteBuf input = Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII);
        connection.pipeline().addLast(greeter);
        connection.pipeline().fireChannelRead(input);

        assertThat(input.refCnt()).isZero();
    }
}
