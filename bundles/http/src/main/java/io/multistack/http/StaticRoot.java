package io.multistack.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder a tenant's site is served from, and the only way to reach a file in it: a
 * request target is decoded segment by segment, every segment that could climb out
 * ({@code ..}, an encoded slash or backslash, NUL) is refused, and the file found is
 * resolved to its real path, which must still lie inside the root (so a symbolic link
 * leading out is refused too).
 */
final class StaticRoot {
    static final String INDEX = "index.html";

    private final Path root;

    /** Creates the folder if it is missing. */
    StaticRoot(Path folder) throws IOException {
        Files.createDirectories(folder);
        this.root = folder.toRealPath();
    }

    Path path() {
        return root;
    }

    /** What a request target names. */
    sealed interface Target permits File, Directory, Redirect, Refused {}

    record File(Path path, BasicFileAttributes attributes) implements Target {}

    /** A directory without index.html; {@code urlPath} ends with a slash. */
    record Directory(Path path, String urlPath) implements Target {}

    /** A directory asked for without its trailing slash. */
    record Redirect(String location) implements Target {}

    /** 400 (a target that tries to leave the root or cannot be decoded), 403 or 404. */
    record Refused(int status, String reason) implements Target {}

    Target resolve(String requestTarget) {
        String rawPath = originPath(requestTarget);
        if (rawPath == null) {
            return new Refused(400, "not a path");
        }
        List<String> segments = new ArrayList<>();
        Refused bad = segments(rawPath, segments);
        if (bad != null) {
            return bad;
        }
        Target found = locate(root, segments);
        if (!(found instanceof File(Path real, BasicFileAttributes attributes))) {
            return found;
        }
        if (attributes.isDirectory()) {
            if (!rawPath.endsWith("/")) {
                return new Redirect(rawPath + "/");
            }
            Target index = index(real);
            return index instanceof File ? index : new Directory(real, rawPath);
        }
        return regularFile(real, attributes);
    }

    /**
     * Decodes the segments of an origin path into {@code into}; a segment that could climb out
     * or cannot be decoded refuses the whole path (400), one naming an upload's temporary too
     * (404: a partial file is never read). Uploads check their targets with it too.
     */
    static Refused segments(String rawPath, List<String> into) {
        for (String raw : rawPath.substring(1).split("/", -1)) {
            if (raw.isEmpty()) {
                continue;
            }
            String segment = decode(raw);
            if (segment == null) {
                return new Refused(400, "bad percent-encoding");
            }
            if (segment.equals(".") || segment.equals("..") || segment.indexOf('/') >= 0
                    || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                return new Refused(400, "path traversal");
            }
            if (segment.startsWith(AtomicFile.TEMPORARY_PREFIX)) {
                return new Refused(404, "an upload in progress"); // never served, never a target
            }
            into.add(segment);
        }
        return null;
    }

    /** The index.html of a directory (a real path inside the root), which may itself be a link. */
    private Target index(Path directory) {
        Target found = locate(directory, List.of(INDEX));
        return found instanceof File(Path real, BasicFileAttributes attributes) ? regularFile(real, attributes) : found;
    }

    /**
     * The real path of {@code segments} below {@code start} (a real path inside the root) and
     * its attributes, as a {@link File} whatever its type, or why not. While no segment is a
     * symbolic link the path is already real: one {@code lstat} per segment, where
     * {@code toRealPath} would check every component from {@code /} and then need a
     * {@code stat}. A link anywhere hands over to the kernel's resolution, which must still end
     * inside the root.
     */
    private Target locate(Path start, List<String> segments) {
        Path path = start;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            for (String segment : segments) {
                path = path.resolve(segment); // a single name: cannot be absolute or climb
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    return throughLinks(start, segments);
                }
            }
            return new File(path, attributes);
        } catch (NoSuchFileException e) {
            return new Refused(404, "no such file");
        } catch (IOException | RuntimeException e) {
            return new Refused(404, e.toString());
        }
    }

    private Target throughLinks(Path start, List<String> segments) throws IOException {
        Path candidate = start;
        for (String segment : segments) {
            candidate = candidate.resolve(segment);
        }
        Path real = candidate.toRealPath();
        if (!real.startsWith(root)) {
            return new Refused(403, "link out of the root");
        }
        return new File(real, Files.readAttributes(real, BasicFileAttributes.class)); // a real path: no links left
    }

    private static Target regularFile(Path real, BasicFileAttributes attributes) {
        return attributes.isRegularFile() ? new File(real, attributes) : new Refused(403, "not a regular file");
    }

    /** The path of an origin-form or absolute-form target without its query; null if neither. */
    static String originPath(String requestTarget) {
        String target = requestTarget;
        int end = indexOfAny(target, '?', '#');
        if (end >= 0) {
            target = target.substring(0, end);
        }
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        if (!target.startsWith("/") || target.indexOf('\\') >= 0 || target.indexOf('\0') >= 0) {
            return null;
        }
        return target;
    }

    /** Strict percent-decoding of one segment as UTF-8; null when malformed. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip()).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int indexOfAny(String text, char a, char b) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }
}
