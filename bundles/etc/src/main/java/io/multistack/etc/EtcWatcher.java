package io.multistack.etc;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reports files of one folder that were written or removed, as soon as the kernel says so
 * (inotify, through the JDK's WatchService) instead of at the next poll. A file is reported
 * once it has kept the same size and modification time for {@link #SETTLE_MILLIS}, so that a
 * file still being written in place is not read half-way (what FileInstall's stability check
 * does at poll speed); a file renamed into place is complete at once and settles in that time.
 */
final class EtcWatcher implements AutoCloseable {
    static final long SETTLE_MILLIS = 50;
    private static final Logger LOG = System.getLogger("io.multistack.etc");

    private record Stamp(long size, long modified, long dueNanos) {}

    private final Path folder;
    private final Predicate<String> wanted;
    private final Consumer<Path> written;
    private final Consumer<Path> removed;
    private final WatchService watcher;
    private final Thread thread;
    private final Map<Path, Stamp> settling = new HashMap<>();

    EtcWatcher(Path folder, Predicate<String> wanted, Consumer<Path> written, Consumer<Path> removed)
            throws IOException {
        this.folder = folder;
        this.wanted = wanted;
        this.written = written;
        this.removed = removed;
        this.watcher = folder.getFileSystem().newWatchService();
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("multistack-etc-watch").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() throws IOException {
        watcher.close(); // wakes the thread, which then ends
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = settling.isEmpty() ? watcher.take()
                        : watcher.poll(Math.max(0, earliestDue() - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name && wanted.test(name.toString())) {
                            settle(folder.resolve(name));
                        } else if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            LOG.log(Level.WARNING, "etc/: too many changes at once; FileInstall''s next poll picks "
                                    + "them up");
                        }
                    }
                    key.reset();
                }
                reportSettled();
            }
        } catch (ClosedWatchServiceException | InterruptedException closed) {
            // closed: the component is going away
        }
    }

    /** (Re)starts the wait of a file that changed. */
    private void settle(Path file) {
        settling.put(file, stampOf(file, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS)));
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
