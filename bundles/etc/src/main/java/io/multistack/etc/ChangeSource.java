package io.multistack.etc;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where {@link EtcWatcher} learns of changes to the files of its folder. */
interface ChangeSource {
    enum Kind {
        /** Created or written, maybe not finished. */
        CHANGED,
        /** A writer closed the file: finished, unless another write follows at once. */
        CLOSED,
        /** Renamed into place: complete. */
        RENAMED_IN,
        /** Deleted or renamed away. */
        REMOVED,
        /** The kernel dropped events: some changes are unknown. */
        OVERFLOW
    }

    record Change(String name, Kind kind) {}

    /** Changes within {@code timeoutMillis} ({@code -1}: no limit); empty when none; {@code null} once woken. */
    List<Change> await(long timeoutMillis) throws IOException, InterruptedException;

    /** Makes the waiting thread's {@link #await} return {@code null}. */
    void wake() throws IOException;

    /** Frees the source; by the waiting thread, after {@link #await} returned {@code null}. */
    void close() throws IOException;

    /** inotify through FFM where native access is allowed (it tells closes and renames apart), else the JDK's WatchService. */
    static ChangeSource of(Path folder) throws IOException {
        try {
            return new FromInotify(new Inotify(folder));
        } catch (IllegalCallerException | UnsupportedOperationException | LinkageError noNativeAccess) {
            return new FromWatchService(folder);
        }
    }

    /** Linux inotify: closes and renames are told apart from other writes. */
    final class FromInotify implements ChangeSource {
        private final Inotify inotify;

        FromInotify(Inotify inotify) {
            this.inotify = inotify;
        }

        @Override
        public List<Change> await(long timeoutMillis) throws IOException {
            List<Inotify.Event> events = inotify.await((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            if (events == null) {
                return null;
            }
            List<Change> changes = new ArrayList<>(events.size());
            for (Inotify.Event event : events) {
                changes.add(new Change(event.name(), kindOf(event)));
            }
            return changes;
        }

        private static Kind kindOf(Inotify.Event event) {
            if (event.any(Inotify.IN_Q_OVERFLOW)) {
                return Kind.OVERFLOW;
            } else if (event.any(Inotify.IN_DELETE | Inotify.IN_MOVED_FROM)) {
                return Kind.REMOVED;
            } else if (event.any(Inotify.IN_MOVED_TO)) {
                return Kind.RENAMED_IN;
            } else if (event.any(Inotify.IN_CLOSE_WRITE)) {
                return Kind.CLOSED;
            }
            return Kind.CHANGED;
        }

        @Override
        public void wake() {
            inotify.wake();
        }

        @Override
        public void close() {
            inotify.close();
        }

        @Override
        public String toString() {
            return "inotify";
        }
    }

    /** The JDK's WatchService: every change is only a change; completeness comes from waiting. */
    final class FromWatchService implements ChangeSource {
        private final WatchService watcher;

        FromWatchService(Path folder) throws IOException {
            watcher = folder.getFileSystem().newWatchService();
            folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }

        @Override
        public List<Change> await(long timeoutMillis) throws InterruptedException {
            try {
                WatchKey key = timeoutMillis < 0 ? watcher.take() : watcher.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                if (key == null) {
                    return List.of();
                }
                List<Change> changes = new ArrayList<>();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        changes.add(new Change("", Kind.OVERFLOW));
                    } else if (event.context() instanceof Path name) {
                        changes.add(new Change(name.toString(), Kind.CHANGED)); // a deletion too: it settles as gone
                    }
                }
                key.reset();
                return changes;
            } catch (ClosedWatchServiceException woken) {
                return null;
            }
        }

        @Override
        public void wake() throws IOException {
            watcher.close();
        }

        @Override
        public void close() {
            // closed by wake()
        }

        @Override
        public String toString() {
            return "WatchService";
        }
    }
}
