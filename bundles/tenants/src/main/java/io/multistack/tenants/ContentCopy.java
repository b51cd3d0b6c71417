package io.multistack.tenants;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Copies a tenant bundle's content ({@code tenant/**}) into the tenant's folder
 * ({@code data/tenants/NAME/**}).
 *
 * <p>Newer files win: a file is written when it is missing or older than the bundle's entry,
 * and gets the entry's time. So an updated bundle replaces what it changed, while a file the
 * tenant edited later (newer than the bundle) is kept, also when the appliance restarts and
 * installs the bundle again. Nothing is ever deleted: stopping or removing the bundle leaves the
 * content, as data. No entry can write outside the tenant's folder: {@code ..}, absolute paths
 * and symbolic links leading out are refused.
 */
final class ContentCopy {

    /** One file of the bundle, by its path below {@code tenant/}. */
    record Entry(String path, long modifiedMillis, Opener content) {}

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    /** What a copy did, for the log. */
    record Result(int copied, int kept, List<String> refused) {
        @Override
        public String toString() {
            return copied + " copied, " + kept + " kept (newer or same)"
                    + (refused.isEmpty() ? "" : ", refused: " + String.join(", ", refused));
        }
    }

    private ContentCopy() {}

    static Result copy(Path root, Collection<Entry> entries) throws IOException {
        Files.createDirectories(root);
        Path realRoot = root.toRealPath();
        int copied = 0;
        int kept = 0;
        List<String> refused = new ArrayList<>();
        for (Entry entry : entries) {
            Path target;
            try {
                target = inside(realRoot, entry.path());
                Files.createDirectories(target.getParent());
                if (!target.getParent().toRealPath().startsWith(realRoot) || Files.isSymbolicLink(target)) {
                    throw new IllegalArgumentException("leads out through a symbolic link");
                }
            } catch (IllegalArgumentException | IOException outside) {
                refused.add(entry.path());
                continue;
            }
            FileTime time = FileTime.fromMillis(entry.modifiedMillis());
            if (Files.exists(target) && Files.getLastModifiedTime(target).compareTo(time) >= 0) {
                kept++;
                continue;
            }
            // Written next to the target and moved: a server never sees half a file.
            Path partial = Files.createTempFile(target.getParent(), ".partial-", ".tmp");
            try (InputStream in = entry.content().open()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(partial, time);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            copied++;
        }
        return new Result(copied, kept, List.copyOf(refused));
    }

    /**
     * {@code root/relative}, or an {@link IllegalArgumentException} when {@code relative} is
     * empty, absolute or climbs out with {@code ..}.
     */
    static Path inside(Path root, String relative) {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
            throw new IllegalArgumentException("not a relative path: " + relative);
        }
        for (String segment : relative.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("'" + segment + "' in " + relative);
            }
        }
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("outside the tenant's folder: " + relative);
        }
        return target;
    }
}
