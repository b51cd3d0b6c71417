package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Asserts that untrusted bytes are refused with the expected drop-counter key. */
final class Rejections {
    private Rejections() {}

    @FunctionalInterface
    interface Parse {
        void run() throws MalformedPacketException;
    }

    static void assertRejected(String reason, Parse parse) {
        assertThat(rejection(parse).reason()).isEqualTo(reason);
    }

    static MalformedPacketException rejection(Parse parse) {
        try {
            parse.run();
        } catch (MalformedPacketException expected) {
            return expected;
        }
        return fail("accepted, but expected a MalformedPacketException");
    }
}
