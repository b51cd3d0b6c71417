package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeTest {

    @TempDir
    Path dir;

    @Test
    void prepareCreatesTheMissingFoldersAndAddsNothingElse() throws IOException {
        Home home = new Home(dir.resolve("fresh"));
        home.prepare();
        try (var entries = Files.list(home.root())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("etc", "deploy", "data",
                    "log");
        }
        assertThat(Files.list(home.etc())).isEmpty();
    }

    @Test
    void dataIsPrivateBecauseItHoldsTheConsoleSocket() throws IOException {
        Home home = new Home(dir);
        home.prepare();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.data()))).isEqualTo("rwx------");
        assertThat(home.consoleSocket()).isEqualTo(dir.resolve("data/console.sock"));
    }

    @Test
    void keepsWhatIsAlreadyThere() throws IOException {
        Home home = new Home(dir);
        Files.createDirectories(home.etc());
        Files.writeString(home.etc().resolve("x.cfg"), "a=1\n");
        home.prepare();
        assertThat(home.etc().resolve("x.cfg")).hasContent("a=1");
    }

    @Test
    void refusesAPathFileInstallWouldSplit() {
        assertThatThrownBy(() -> new Home(dir.resolve("a,b")).prepare()).hasMessageContaining("comma");
    }
}
