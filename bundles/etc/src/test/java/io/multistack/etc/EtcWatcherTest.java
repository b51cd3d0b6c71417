package io.multistack.etc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher reports named factory files when written and removed, once settled; other files never. */
class EtcWatcherTest {
    @TempDir
    Path etc;

    private final BlockingQueue<String> reports = new LinkedBlockingQueue<>();
    private EtcWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        watcher = new EtcWatcher(etc, name -> NamedFactoryPid.of(name) != null,
                file -> reports.add("written " + file.getFileName() + " " + content(file)),
                file -> reports.add("removed " + file.getFileName()));
        watcher.start();
    }

    @AfterEach
    void stop() throws Exception {
        watcher.close();
    }

    private static String content(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (Exception unreadable) {
            return "unreadable";
        }
    }

    private String next() throws InterruptedException {
        String report = reports.poll(5, TimeUnit.SECONDS);
        assertThat(report).as("a report within 5 s").isNotNull();
        return report;
    }

    @Test
    void aFileRenamedIntoPlaceIsReportedOnceWithItsWholeContent() throws Exception {
        Path temporary = Files.writeString(etc.resolve(".tenant~A.cfg.tmp"), "vlan = 600\n");
        Files.move(temporary, etc.resolve("io.multistack.tenant~A.cfg"), StandardCopyOption.ATOMIC_MOVE);
        assertThat(next()).isEqualTo("written io.multistack.tenant~A.cfg vlan = 600");
        Thread.sleep(3 * EtcWatcher.SETTLE_MILLIS);
        assertThat(reports).as("nothing more").isEmpty();
    }

    @Test
    void writesInQuickSuccessionEndWithTheLastContent() throws Exception {
        Path file = etc.resolve("io.multistack.tenant~B.cfg");
        Files.writeString(file, "vlan = 6"); // closed: complete, unless written again within a few ms
        Files.writeString(file, "vlan = 601\n", StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(file, "address = 192.168.2.1/24\n", StandardOpenOption.APPEND);
        String last;
        do { // usually one report; a writer paused between its writes may show an earlier, complete step
            last = next();
        } while (!last.contains("address"));
        assertThat(last).isEqualTo("written io.multistack.tenant~B.cfg vlan = 601\naddress = 192.168.2.1/24");
        Thread.sleep(3 * EtcWatcher.SETTLE_MILLIS);
        assertThat(reports).as("nothing more").isEmpty();
    }

    @Test
    void aFileStillOpenIsNotReadHalfWay() throws Exception {
        Path file = etc.resolve("io.multistack.tenant~D.cfg");
        try (var writer = Files.newBufferedWriter(file)) {
            writer.write("vlan = 6");
            writer.flush();
            Thread.sleep(EtcWatcher.SETTLE_MILLIS / 5);
            writer.write("03\n");
            writer.flush();
            Thread.sleep(EtcWatcher.SETTLE_MILLIS / 5);
            assertThat(reports).as("nothing while the writer keeps writing").isEmpty();
        }
        assertThat(next()).isEqualTo("written io.multistack.tenant~D.cfg vlan = 603");
    }

    @Test
    void aRemovedFileIsReportedAndOtherFilesAreIgnored() throws Exception {
        Path file = Files.writeString(etc.resolve("io.multistack.tenant~C.cfg"), "vlan = 602\n");
        assertThat(next()).startsWith("written io.multistack.tenant~C.cfg");
        Files.writeString(etc.resolve("io.multistack.access.vxlan.cfg"), "listen = off\n");
        Files.writeString(etc.resolve("notes.txt"), "hello\n");
        Files.delete(file);
        assertThat(next()).isEqualTo("removed io.multistack.tenant~C.cfg");
        Thread.sleep(3 * EtcWatcher.SETTLE_MILLIS);
        assertThat(List.copyOf(reports)).as("files that are not FACTORYPID~NAME.cfg").isEmpty();
    }

    @Test
    void inotifyTellsClosesAndRenamesFromOtherWrites() throws Exception {
        assertThat(watcher.source()).as("the appliance's tests run with native access").isEqualTo("inotify");
        Path other = Files.createDirectory(etc.resolve("other"));
        ChangeSource source = ChangeSource.of(other);
        try {
            Files.writeString(other.resolve("a.cfg"), "x = 1\n");
            Files.move(Files.writeString(other.resolve(".b.tmp"), "y = 2\n"), other.resolve("b.cfg"),
                    StandardCopyOption.ATOMIC_MOVE);
            Files.delete(other.resolve("a.cfg"));
            List<ChangeSource.Change> seen = new java.util.ArrayList<>();
            for (int round = 0; round < 50 && seen.stream().noneMatch(c -> c.name().equals("a.cfg")
                    && c.kind() == ChangeSource.Kind.REMOVED); round++) {
                seen.addAll(source.await(100));
            }
            assertThat(seen).contains(new ChangeSource.Change("a.cfg", ChangeSource.Kind.CLOSED),
                    new ChangeSource.Change("b.cfg", ChangeSource.Kind.RENAMED_IN),
                    new ChangeSource.Change("a.cfg", ChangeSource.Kind.REMOVED));
        } finally {
            source.wake();
            assertThat(source.await(-1)).as("woken").isNull();
            source.close();
        }
    }

    @Test
    void withoutInotifyTheWatchServiceStillReportsSettledFiles() throws Exception {
        watcher.close();
        watcher = new EtcWatcher(etc, name -> NamedFactoryPid.of(name) != null,
                file -> reports.add("written " + file.getFileName() + " " + content(file)),
                file -> reports.add("removed " + file.getFileName()), new ChangeSource.FromWatchService(etc));
        watcher.start();
        Path file = Files.writeString(etc.resolve("io.multistack.tenant~F.cfg"), "vlan = 605\n");
        assertThat(next()).isEqualTo("written io.multistack.tenant~F.cfg vlan = 605");
        Files.delete(file);
        assertThat(next()).isEqualTo("removed io.multistack.tenant~F.cfg");
    }
}
