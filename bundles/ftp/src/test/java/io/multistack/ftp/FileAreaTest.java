package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAreaTest {
    @TempDir
    Path base;
    Path root;
    FileArea area;

    @BeforeEach
    void setUp() throws Exception {
        root = base.resolve("tenants/A/ftp");
        area = new FileArea(root);
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(base.resolve("secret.txt"), "outside");
    }

    @Test
    void relativeAndAbsoluteNamesResolveInsideTheRoot() throws Exception {
        assertThat(area.resolve("/a", "b").virtual()).isEqualTo("/a/b");
        assertThat(area.resolve("/a", "/a/./b/").file()).isEqualTo(root.toRealPath().resolve("a/b"));
        assertThat(area.resolve("/a/b", "../..").virtual()).isEqualTo("/");
        assertThat(area.resolve("/", "//a///b").virtual()).isEqualTo("/a/b");
        assertThat(area.resolve("/", "new file ü.txt").virtual()).isEqualTo("/new file ü.txt");
    }

    @Test
    void dotDotAboveTheRootIsRefused() {
        assertThatThrownBy(() -> area.resolve("/", "..")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/a", "../../secret.txt")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/a/b", "/../../../secret.txt")).isInstanceOf(FileArea.Refused.class);
    }

    @Test
    void symbolicLinksLeadingOutAreRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("out"), base);
        Files.createSymbolicLink(root.resolve("secret"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("a"));
        Files.createSymbolicLink(root.resolve("dangling"), base.resolve("nothing-here"));
        assertThatThrownBy(() -> area.resolve("/", "out")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/", "out/secret.txt")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/", "out/new.txt")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/", "secret")).isInstanceOf(FileArea.Refused.class);
        assertThatThrownBy(() -> area.resolve("/", "dangling")).isInstanceOf(FileArea.Refused.class);
        assertThat(area.resolve("/", "inside/b").virtual()).isEqualTo("/inside/b");
        assertThat(area.visible(root.resolve("out"))).isFalse();
        assertThat(area.visible(root.resolve("inside"))).isTrue();
    }

    @Test
    void uploadTemporariesAreInvisibleAndUntouchable() throws Exception {
        Path temporary = root.resolve(FileArea.TEMPORARY_PREFIX + "1234.part");
        Files.writeString(temporary, "partial");
        assertThat(area.visible(temporary)).isFalse();
        assertThatThrownBy(() -> area.resolve("/", FileArea.TEMPORARY_PREFIX + "1234.part"))
                .isInstanceOf(FileArea.Refused.class);
    }
}
