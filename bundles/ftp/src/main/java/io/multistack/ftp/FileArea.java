package io.multistack.ftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One tenant's FTP files: the folder {@code data/tenants/NAME/ftp} seen by clients as
 * {@code /}. Every client path goes through {@link #resolve}, which refuses whatever would
 * leave the folder: {@code ..} above the top, and symbolic links pointing out of it.
 * Upload temporaries ({@value #TEMPORARY_PREFIX}*) are invisible and untouchable.
 */
final class FileArea {
    static final String TEMPORARY_PREFIX = ".ftp-upload-";

    private final Path root;

    FileArea(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    Path root() {
        return root;
    }

    /**
     * The file a client means by {@code name} when its working directory is {@code cwd}
     * (a virtual absolute path such as {@code /a/b}).
     *
     * @throws Refused when the name leads out of the area or names an upload temporary
     */
    Resolved resolve(String cwd, String name) throws Refused {
        if (name.indexOf('\0') >= 0) {
            throw new Refused("Invalid file name.");
        }
        Deque<String> parts = new ArrayDeque<>();
        String path = name.startsWith("/") ? name : cwd + "/" + name;
        for (String part : path.split("/+")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new Refused("Permission denied: outside the FTP area.");
                }
                parts.removeLast();
                continue;
            }
            if (part.startsWith(TEMPORARY_PREFIX)) {
                throw new Refused("No such file or directory.");
            }
            parts.addLast(part);
        }
        String virtual = "/" + String.join("/", parts);
        Path file = root;
        for (String part : parts) {
            file = file.resolve(part);
        }
        checkInside(file);
        return new Resolved(virtual, file);
    }

    /** Refuses a path whose existing part, links followed, is outside the root. */
    private void checkInside(Path file) throws Refused {
        Path existing = file;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new Refused("Permission denied: outside the FTP area.");
        }
        try {
            if (!existing.toRealPath().startsWith(root)) {
                throw new Refused("Permission denied: outside the FTP area.");
            }
        } catch (IOException dangling) {
            // a link to nowhere (or out of reach): treat as outside, never follow it
            throw new Refused("Permission denied: outside the FTP area.");
        }
    }

    /** Whether a directory entry is shown to clients (temporaries and escaping links are not). */
    boolean visible(Path entry) {
        if (entry.getFileName().toString().startsWith(TEMPORARY_PREFIX)) {
            return false;
        }
        try {
            return entry.toRealPath().startsWith(root);
        } catch (IOException dangling) {
            return false;
        }
    }

    /** A client path resolved: its normalized virtual form and the real file. */
    record Resolved(String virtual, Path file) {}

    /** A path the client may not use; answered 550. */
    static class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
