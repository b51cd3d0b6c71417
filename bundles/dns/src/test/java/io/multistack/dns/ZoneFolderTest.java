package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneFolderTest {
    private static final String SOA = "$TTL 60\n@ SOA ns hm %d 1h 15m 1w 60\n";

    @TempDir
    Path folder;

    private int tick;

    /** Writes a file with a distinct modification time (a second apart, as after a real edit). */
    private void write(String file, String text) throws Exception {
        Path path = folder.resolve(file);
        Files.writeString(path, text);
        Files.setLastModifiedTime(path, FileTime.from(Instant.ofEpochSecond(1_800_000_000L + tick++)));
    }

    private String address(ZoneFolder zones, String name) {
        Answer answer = Authority.answer(zones.catalog(), name, DnsRecordType.A);
        return answer.answer().isEmpty() ? answer.code().toString() : answer.answer().getFirst().getFirst().text();
    }

    @Test
    void loadsEveryZoneFileAndFollowsEditsAndRemovals() throws Exception {
        ZoneFolder zones = new ZoneFolder(folder, "A");
        assertThat(zones.poll()).isFalse();
        write("example.test.zone", SOA.formatted(1) + "www A 192.168.1.80\n");
        write("other.test.zone", SOA.formatted(1) + "www A 10.0.0.1\n");
        write("notes.txt", "not a zone");
        assertThat(zones.poll()).isTrue();
        assertThat(zones.zones()).extracting(Zone::apex).containsExactly("example.test.", "other.test.");
        assertThat(zones.poll()).as("nothing changed").isFalse();

        write("example.test.zone", SOA.formatted(2) + "www A 192.168.1.90\n");
        assertThat(zones.poll()).isTrue();
        assertThat(address(zones, "www.example.test.")).isEqualTo("192.168.1.90");

        Files.delete(folder.resolve("other.test.zone"));
        assertThat(zones.poll()).isTrue();
        assertThat(zones.zones()).extracting(Zone::apex).containsExactly("example.test.");
    }

    @Test
    void aBrokenEditKeepsThePreviousZoneInService() throws Exception {
        ZoneFolder zones = new ZoneFolder(folder, "A");
        write("example.test.zone", SOA.formatted(1) + "www A 192.168.1.80\n");
        zones.poll();
        write("example.test.zone", SOA.formatted(2) + "www A 192.168.1.800\n");
        assertThat(zones.poll()).isFalse();
        assertThat(address(zones, "www.example.test.")).isEqualTo("192.168.1.80");
        assertThat(zones.zones().getFirst().serial()).isEqualTo(1);
        write("example.test.zone", SOA.formatted(3) + "www A 192.168.1.81\n");
        assertThat(zones.poll()).isTrue();
        assertThat(address(zones, "www.example.test.")).isEqualTo("192.168.1.81");
    }

    @Test
    void aMissingFolderServesNothing() {
        ZoneFolder zones = new ZoneFolder(folder.resolve("absent"), "A");
        assertThat(zones.poll()).isFalse();
        assertThat(zones.zones()).isEmpty();
    }

    @Test
    void twoFilesForOneZoneTheFirstByNameWins() throws Exception {
        write("a.zone", "$ORIGIN same.test.\n" + SOA.formatted(1) + "www A 10.0.0.1\n");
        write("b.zone", "$ORIGIN same.test.\n" + SOA.formatted(1) + "www A 10.0.0.2\n");
        ZoneFolder zones = new ZoneFolder(folder, "A");
        zones.poll();
        assertThat(zones.zones()).hasSize(1);
        assertThat(address(zones, "www.same.test.")).isEqualTo("10.0.0.1");
    }
}
