package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class LaunchArgsTest {

    private static final Path DEFAULT_HOME = Path.of("/opt/multistack/home");

    @Test
    void noArgumentsRunsTheApplianceOnTheDefaultHome() {
        LaunchArgs args = LaunchArgs.parse(new String[0], DEFAULT_HOME);
        assertThat(args.home()).isEqualTo(DEFAULT_HOME);
        assertThat(args.clientCommand()).isEmpty();
    }

    @Test
    void homeOptionWinsAndIsMadeAbsolute() {
        LaunchArgs args = LaunchArgs.parse(new String[] {"--home", "relative/dir"}, DEFAULT_HOME);
        assertThat(args.home()).isEqualTo(Path.of("relative", "dir").toAbsolutePath());
    }

    @Test
    void clientTakesTheWholeCommandAsOneArgument() {
        LaunchArgs args = LaunchArgs.parse(new String[] {"--home", "/tmp/h", "client", "lb | grep multistack"}, null);
        assertThat(args.home()).isEqualTo(Path.of("/tmp/h"));
        assertThat(args.clientCommand()).contains("lb | grep multistack");
    }

    @Test
    void rejectsWhatItCannotRun() {
        assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"client"}, DEFAULT_HOME))
                .hasMessageContaining("client needs a value");
        assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"client", "tenant:list", "extra"}, DEFAULT_HOME))
                .hasMessageContaining("quote the command");
        assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"client", "  "}, DEFAULT_HOME))
                .hasMessageContaining("needs a command");
        assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"--hom", "x"}, DEFAULT_HOME))
                .hasMessageContaining("unknown argument: --hom");
        assertThatThrownBy(() -> LaunchArgs.parse(new String[0], null)).hasMessageContaining("--home");
    }
}
