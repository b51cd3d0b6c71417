package io.multistack.itest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;

/** The framework's watched etc/ folder, written as an operator (or an editor) writes it. */
public final class EtcFolder {
    private final Path folder;

    public EtcFolder(BundleContext context) {
        this.folder = Path.of(context.getProperty(FrameworkUnderTest.ETC_PROPERTY));
    }

    public Path file(String name) {
        return folder.resolve(name);
    }

    /** Writes {@code name} in one step: FileInstall ignores the hidden temporary file until the rename. */
    public void write(String name, String... lines) throws IOException {
        Path temporary = folder.resolve("." + name + ".tmp");
        Files.writeString(temporary, String.join("\n", lines) + "\n");
        Files.move(temporary, file(name), StandardCopyOption.ATOMIC_MOVE);
    }

    public void delete(String name) throws IOException {
        Files.delete(file(name));
    }

    /** Removes every file, so the next framework of the test class starts from an empty etc/. */
    public void clear() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.toList();
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }
}
