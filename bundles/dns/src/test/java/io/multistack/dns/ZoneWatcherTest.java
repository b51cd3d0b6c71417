package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One watcher thread tells each tenant's DNS server about its own folder's changes. */
class ZoneWatcherTest {
    @TempDir
    Path home;

    private final ZoneWatcher watcher;

    ZoneWatcherTest() throws Exception {
        watcher = new ZoneWatcher();
    }

    @AfterEach
    void stop() throws Exception {
        watcher.deactivate();
    }

    @Test
    void a_change_in_a_folder_reaches_that_folders_listener_only() throws Exception {
        Path a = Files.createDirectories(home.resolve("a"));
        Path b = Files.createDirectories(home.resolve("b"));
        Semaphore changedA = new Semaphore(0);
        Semaphore changedB = new Semaphore(0);
        try (AutoCloseable watchA = watcher.watch(a, changedA::release);
                AutoCloseable watchB = watcher.watch(b, changedB::release)) {
            Files.writeString(a.resolve("example.test.zone"), "; edited\n");
            assertThat(changedA.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(changedB.availablePermits()).isZero();

            Files.delete(a.resolve("example.test.zone"));
            assertThat(changedA.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void a_folder_that_cannot_be_watched_is_scanned_instead() throws Exception {
        Semaphore scanned = new Semaphore(0);
        try (AutoCloseable watch = watcher.watch(home.resolve("missing"), scanned::release)) {
            assertThat(scanned.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
