package io.multistack.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentCopyTest {
    private static final long BUNDLE_TIME = 1_700_000_000_000L;

    @TempDir
    Path home;

    private Path root() {
        return home.resolve("data/tenants/D");
    }

    private static ContentCopy.Entry entry(String path, String text, long time) {
        return new ContentCopy.Entry(path, time,
                () -> new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void copiesFilesWithTheirFoldersAndTheBundlesTime() throws Exception {
        var result = ContentCopy.copy(root(), List.of(entry("www/index.html", "<h1>D</h1>", BUNDLE_TIME),
                entry("www/img/logo.txt", "logo", BUNDLE_TIME), entry("dns/zone.txt", "zone", BUNDLE_TIME)));

        assertThat(result.copied()).isEqualTo(3);
        assertThat(root().resolve("www/index.html")).hasContent("<h1>D</h1>");
        assertThat(root().resolve("www/img/logo.txt")).hasContent("logo");
        assertThat(root().resolve("dns/zone.txt")).hasContent("zone");
        assertThat(Files.getLastModifiedTime(root().resolve("www/index.html")).toMillis()).isEqualTo(BUNDLE_TIME);
    }

    @Test
    void aFileEditedAfterTheBundleIsKeptAndAnOlderOneReplaced() throws Exception {
        Path edited = Files.createDirectories(root().resolve("www")).resolve("index.html");
        Files.writeString(edited, "edited by the tenant");
        Files.setLastModifiedTime(edited, FileTime.fromMillis(BUNDLE_TIME + 60_000));
        Path stale = root().resolve("www/old.html");
        Files.writeString(stale, "stale");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(BUNDLE_TIME - 60_000));

        var result = ContentCopy.copy(root(), List.of(entry("www/index.html", "from the bundle", BUNDLE_TIME),
                entry("www/old.html", "new", BUNDLE_TIME)));

        assertThat(edited).hasContent("edited by the tenant");
        assertThat(stale).hasContent("new");
        assertThat(result.kept()).isEqualTo(1);
        assertThat(result.copied()).isEqualTo(1);
    }

    @Test
    void entriesLeadingOutOfTheTenantsFolderAreRefusedAndTheRestIsCopied() throws Exception {
        Files.createDirectories(home.resolve("data/tenants/E"));
        Files.createDirectories(root());
        Files.createSymbolicLink(root().resolve("escape"), home.resolve("data/tenants/E"));

        var result = ContentCopy.copy(root(), List.of(entry("../E/www/index.html", "x", BUNDLE_TIME),
                entry("www/../../E/x", "x", BUNDLE_TIME), entry("/etc/passwd", "x", BUNDLE_TIME),
                entry("escape/index.html", "x", BUNDLE_TIME), entry("www/ok.html", "ok", BUNDLE_TIME)));

        assertThat(result.refused()).containsExactly("../E/www/index.html", "www/../../E/x", "/etc/passwd",
                "escape/index.html");
        assertThat(result.copied()).isEqualTo(1);
        assertThat(home.resolve("data/tenants/E")).isEmptyDirectory();
        assertThat(root().resolve("www/ok.html")).hasContent("ok");
    }

    @Test
    void insideRejectsWhatIsNotARelativePathBelowTheRoot() {
        Path root = Path.of("/srv/data/tenants/D");
        assertThat(ContentCopy.inside(root, "www/a/b.html")).isEqualTo(root.resolve("www/a/b.html"));
        for (String bad : List.of("", "/abs", "..", "a/../../x", "a/./b", "a\\..\\b", "a\0b")) {
            assertThatThrownBy(() -> ContentCopy.inside(root, bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
