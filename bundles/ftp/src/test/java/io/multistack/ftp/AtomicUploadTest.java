package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicUploadTest {
    @TempDir
    Path folder;

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private long temporaries() throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(FileArea.TEMPORARY_PREFIX)).count();
        }
    }

    @Test
    void theTargetAppearsOnlyAtCommit() throws Exception {
        Path target = folder.resolve("file.txt");
        AtomicUpload upload = AtomicUpload.begin(target, 0);
        upload.write(new ByteBuffer[] {bytes("hello")});
        assertThat(target).doesNotExist();
        upload.commit();
        assertThat(target).hasContent("hello");
        assertThat(temporaries()).isZero();
    }

    @Test
    void anAbortedUploadLeavesThePreviousFile() throws Exception {
        Path target = folder.resolve("file.txt");
        Files.writeString(target, "previous");
        AtomicUpload upload = AtomicUpload.begin(target, 0);
        upload.write(new ByteBuffer[] {bytes("partial new con")});
        upload.abort();
        upload.abort();
        assertThat(target).hasContent("previous");
        assertThat(temporaries()).isZero();
    }

    @Test
    void aResumeKeepsThePrefixAndReplacesTheRest() throws Exception {
        Path target = folder.resolve("file.txt");
        Files.writeString(target, "0123456789");
        AtomicUpload upload = AtomicUpload.begin(target, 4);
        upload.write(new ByteBuffer[] {bytes("abc")});
        assertThat(upload.written()).isEqualTo(7);
        assertThat(target).hasContent("0123456789");
        upload.commit();
        assertThat(target).hasContent("0123abc");
    }

    @Test
    void leftoversOfACrashAreRemoved() throws Exception {
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("sub/" + FileArea.TEMPORARY_PREFIX + "dead.part"), "x");
        Files.writeString(folder.resolve("keep.txt"), "x");
        assertThat(AtomicUpload.removeLeftovers(folder)).isEqualTo(1);
        assertThat(folder.resolve("keep.txt")).exists();
    }
}
