package io.multistack.etc;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reports files of one folder that were written or removed, as soon as the kernel says so
 * instead of at FileInstall's next poll. A file must be complete before it is read:
 * <ul>
 * <li>renamed into place, or removed: reported at once;</li>
 * <li>closed by its writer: reported {@value #CLOSED_SETTLE_MILLIS} ms later unless written
 *     again meanwhile, so that a script's {@code echo … > f; echo … >> f} arrives as one;</li>
 * <li>written but not (yet) closed, or anything seen through the JDK's WatchService (which
 *     reports neither closes nor renames, where inotify through FFM is not allowed): reported
 *     once it has kept its size and modification time for {@value #SETTLE_MILLIS} ms, the
 *     stability check FileInstall does at poll speed.</li>
 * </ul>
 */
final class EtcWatcher implements AutoCloseable {
    static final long SETTLE_MILLIS = 50;
    static final long CLOSED_SETTLE_MILLIS = 5;
    private static final Logger LOG = System.getLogger("io.multistack.etc");

    private record Stamp(long size, long modified, long dueNanos) {}

    private final Path folder;
    private final Predicate<String> wanted;
    private final Consumer<Path> written;
    private final Consumer<Path> removed;
    private final ChangeSource changes;
    private final Thread thread;
    private final Map<Path, Stamp> settling = new HashMap<>();

    EtcWatcher(Path folder, Predicate<String> wanted, Consumer<Path> written, Consumer<Path> removed)
            throws IOException {
        this(folder, wanted, written, removed, ChangeSource.of(folder));
    }

    EtcWatcher(Path folder, Predicate<String> wanted, Consumer<Path> written, Consumer<Path> removed,
            ChangeSource changes) {
        this.folder = folder;
        this.wanted = wanted;
        this.written = written;
        this.removed = removed;
        this.changes = changes;
        this.thread = Thread.ofPlatform().daemon().name("multistack-etc-watch").unstarted(this::run);
    }

    /** {@code inotify} or {@code WatchService}. */
    String source() {
        return changes.toString();
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() throws IOException {
        changes.wake(); // the thread ends and closes the source
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                List<ChangeSource.Change> seen = changes.await(settling.isEmpty() ? -1
                        : TimeUnit.NANOSECONDS.toMillis(Math.max(0, earliestDue() - System.nanoTime() + 999_999)));
                if (seen == null) {
                    return;
                }
                for (ChangeSource.Change change : seen) {
                    take(change);
                }
                reportSettled();
            }
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "etc/ is no longer watched ({0}); changes wait for FileInstall''s poll",
                    failed.toString());
        } catch (InterruptedException interrupted) {
            // the component is going away
        } finally {
            try {
                changes.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    private void take(ChangeSource.Change change) {
        if (change.kind() == ChangeSource.Kind.OVERFLOW) {
            LOG.log(Level.WARNING, "etc/: too many changes at once; FileInstall''s next poll picks them up");
            return;
        }
        if (!wanted.test(change.name())) {
            return;
        }
        long waitMillis = switch (change.kind()) {
            case RENAMED_IN, REMOVED -> 0;
            case CLOSED -> CLOSED_SETTLE_MILLIS;
            default -> SETTLE_MILLIS;
        };
        Path file = folder.resolve(change.name());
        settling.put(file, stampOf(file, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis)));
    }

    private long earliestDue() {
        long earliest = Long.MAX_VALUE;
        for (Stamp stamp : settling.values()) {
            earliest = Math.min(earliest, stamp.dueNanos());
        }
        return earliest;
    }

    private void reportSettled() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Path, Stamp>> it = settling.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Path, Stamp> entry = it.next();
            Stamp then = entry.getValue();
            if (then.dueNanos() - now > 0) {
                continue;
            }
            Stamp current = stampOf(entry.getKey(), now + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS));
            if (current.size() != then.size() || current.modified() != then.modified()) {
                entry.setValue(current); // still changing: wait again
                continue;
            }
            it.remove();
            try {
                if (current.size() < 0) {
                    removed.accept(entry.getKey());
                } else {
                    written.accept(entry.getKey());
                }
            } catch (RuntimeException failed) {
                LOG.log(Level.ERROR, "etc/{0}: {1}", entry.getKey().getFileName(), failed.toString());
            }
        }
    }

    /** Size and modification time, or size -1 for a file that is not there. */
    private static Stamp stampOf(Path file, long dueNanos) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis(), dueNanos);
        } catch (NoSuchFileException gone) {
            return new Stamp(-1, 0, dueNanos);
        } catch (IOException unreadable) {
            return new Stamp(-2, 0, dueNanos); // reported as written: the installer says what is wrong
        }
    }
}
