package io.multistack.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BoundedOutputTest {

    @Test
    void keepsOutputUnderTheLimitAsIs() {
        BoundedOutput output = new BoundedOutput(100);
        output.write("hello\n".getBytes(StandardCharsets.UTF_8), 0, 6);
        assertThat(output.text()).isEqualTo("hello\n");
    }

    @Test
    void keepsTheStartAndCountsWhatItDrops() {
        BoundedOutput output = new BoundedOutput(4);
        byte[] bytes = "abcdefgh".getBytes(StandardCharsets.UTF_8);
        output.write(bytes, 0, 6);
        output.write('x');
        assertThat(output.text()).isEqualTo("abcd\n... output truncated: 3 more bytes\n");
    }
}
