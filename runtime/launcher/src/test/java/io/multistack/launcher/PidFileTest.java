package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {

    @TempDir
    Path dir;

    @Test
    void aLivingOwnerIsReported() throws IOException {
        PidFile pidFile = new PidFile(dir.resolve("multistack.pid"));
        pidFile.writeCurrent();
        assertThat(pidFile.livingOwner()).contains(ProcessHandle.current().pid());
        pidFile.delete();
        assertThat(pidFile.path()).doesNotExist();
    }

    @Test
    void aStaleOrGarbledFileIsIgnored() throws IOException, InterruptedException {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        PidFile pidFile = new PidFile(dir.resolve("multistack.pid"));
        Files.writeString(pidFile.path(), finished.pid() + "\n");
        assertThat(pidFile.livingOwner()).isEmpty();
        Files.writeString(pidFile.path(), "not a pid");
        assertThat(pidFile.livingOwner()).isEmpty();
        assertThat(new PidFile(dir.resolve("absent")).livingOwner()).isEmpty();
    }
}
