package io.multistack.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant's FTP settings file ({@code etc/io.multistack.ftp~TENANT.cfg}) edited one key at
 * a time: every other line (keys, comments) is kept as it was. Writes go to a hidden
 * temporary and are renamed into place, so FileInstall never reads half a file.
 */
final class SettingsFile {
    private final Path file;

    SettingsFile(Path etc, String tenant) {
        this.file = etc.resolve("io.multistack.ftp~" + tenant + ".cfg");
    }

    Path path() {
        return file;
    }

    /** The keys and values of the file (simple key = value lines), in file order. */
    Map<String, String> read() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines()) {
            keyOf(line).ifPresent(key -> values.put(key, line.substring(line.indexOf('=') + 1).trim()));
        }
        return values;
    }

    /** Sets a key (replacing its line or appending one). */
    void put(String key, String value) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean replaced = false;
        for (String line : lines()) {
            if (keyOf(line).filter(key::equals).isPresent()) {
                if (!replaced) {
                    lines.add(key + " = " + value);
                    replaced = true;
                }
                continue;
            }
            lines.add(line);
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        write(lines);
    }

    /** Removes a key; returns whether it was there. */
    boolean remove(String key) throws IOException {
        List<String> lines = new ArrayList<>(lines());
        boolean removed = lines.removeIf(line -> keyOf(line).filter(key::equals).isPresent());
        if (removed) {
            write(lines);
        }
        return removed;
    }

    private List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static Optional<String> keyOf(String line) {
        String trimmed = line.strip();
        int equals = trimmed.indexOf('=');
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!") || equals <= 0) {
            return Optional.empty();
        }
        return Optional.of(trimmed.substring(0, equals).trim());
    }

    private void write(List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        // hidden temporary name: FileInstall ignores it until the atomic rename
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
