package io.multistack.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a PUT may write: the request target is decoded and checked by the same rules as a
 * GET's ({@link StaticRoot#segments}: {@code ..}, encoded slashes, NUL → 400), its folder must
 * exist inside the root (a missing one → 409, as nginx without {@code create_full_put_path};
 * a link leading out → 403), and an existing target must be a file inside the root.
 */
final class UploadTarget {
    private UploadTarget() {}

    /** What a PUT's target names. */
    sealed interface Outcome permits Writable, Refused {}

    /** A file to create or replace; {@code exists} decides between 201 and 204. */
    record Writable(Path path, boolean exists) implements Outcome {}

    record Refused(int status, String reason) implements Outcome {}

    static Outcome resolve(StaticRoot root, String requestTarget) {
        String rawPath = StaticRoot.originPath(requestTarget);
        if (rawPath == null) {
            return new Refused(400, "not a path");
        }
        List<String> segments = new ArrayList<>();
        StaticRoot.Refused bad = StaticRoot.segments(rawPath, segments);
        if (bad != null) {
            return new Refused(bad.status() == 404 ? 403 : bad.status(), bad.reason()); // a temporary's name
        }
        if (segments.isEmpty() || rawPath.endsWith("/")) {
            return new Refused(409, "cannot put a folder");
        }
        Path folder = root.path();
        for (String segment : segments.subList(0, segments.size() - 1)) {
            folder = folder.resolve(segment); // a single name: cannot be absolute or climb
        }
        Path realFolder;
        try {
            realFolder = folder.toRealPath();
        } catch (IOException | RuntimeException e) {
            return new Refused(409, "no such folder");
        }
        if (!realFolder.startsWith(root.path())) {
            return new Refused(403, "link out of the root");
        }
        if (!Files.isDirectory(realFolder)) {
            return new Refused(409, "not a folder");
        }
        Path target = realFolder.resolve(segments.getLast());
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return new Writable(target, false);
        }
        Path real;
        try {
            real = target.toRealPath();
        } catch (NoSuchFileException dangling) {
            return new Writable(target, false); // a dangling link: the rename replaces the link itself
        } catch (IOException | RuntimeException e) {
            return new Refused(403, e.toString());
        }
        if (!real.startsWith(root.path())) {
            return new Refused(403, "link out of the root");
        }
        if (Files.isDirectory(real)) {
            return new Refused(409, "a folder of that name exists");
        }
        return new Writable(target, true);
    }
}
