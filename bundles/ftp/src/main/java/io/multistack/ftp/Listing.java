package io.multistack.ftp;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Directory listings in the three forms clients read: LIST (ls -l style, what every client
 * parses), NLST (names only) and MLSD/MLST facts (RFC 3659, machine-readable).
 */
final class Listing {
    private static final DateTimeFormatter RECENT = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD = DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter MODIFY = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    enum Form { LIST, NLST, MLSD }

    private Listing() {}

    /** The lines for a directory (or a single file), each without line end. */
    static List<String> lines(FileArea area, Path target, Form form, boolean writable, Instant now)
            throws IOException {
        List<Path> entries = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(target)) {
                for (Path entry : stream) {
                    if (area.visible(entry)) {
                        entries.add(entry);
                    }
                }
            }
        } else {
            entries.add(target);
        }
        entries.sort(null);
        List<String> lines = new ArrayList<>(entries.size());
        for (Path entry : entries) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(entry, BasicFileAttributes.class);
            } catch (IOException vanished) {
                continue; // removed while listing
            }
            String name = entry.getFileName().toString();
            lines.add(switch (form) {
                case LIST -> longLine(name, attributes, now);
                case NLST -> name;
                case MLSD -> facts(attributes, writable) + " " + name;
            });
        }
        return lines;
    }

    static String longLine(String name, BasicFileAttributes attributes, Instant now) {
        Instant modified = attributes.lastModifiedTime().toInstant();
        boolean recent = modified.isAfter(now.minusSeconds(180L * 24 * 3600)) && !modified.isAfter(now.plusSeconds(3600));
        return String.format(Locale.ROOT, "%s 1 ftp ftp %13d %s %s", attributes.isDirectory() ? "drwxr-xr-x"
                : "-rw-r--r--", attributes.isDirectory() ? 4096 : attributes.size(),
                (recent ? RECENT : OLD).format(modified), name);
    }

    /** RFC 3659 facts, e.g. {@code type=file;size=3;modify=20261125180000;perm=radfw;}. */
    static String facts(BasicFileAttributes attributes, boolean writable) {
        String modify = MODIFY.format(attributes.lastModifiedTime().toInstant());
        if (attributes.isDirectory()) {
            return "type=dir;modify=" + modify + ";perm=" + (writable ? "flcdmpe" : "el") + ";";
        }
        return "type=file;size=" + attributes.size() + ";modify=" + modify + ";perm=" + (writable ? "radfw" : "r")
                + ";";
    }
}
