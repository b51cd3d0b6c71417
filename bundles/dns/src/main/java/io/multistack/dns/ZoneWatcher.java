package io.multistack.dns;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Tells every tenant's DNS server when its zone folder changed, from one thread for all
 * tenants: the kernel reports changes (inotify, through {@link WatchService}), so an idle
 * tenant costs neither a thread nor a directory scan per second. A folder the kernel will not
 * watch (missing, or the watch limit reached) is scanned every second by the same thread.
 */
@Component(service = ZoneWatcher.class)
public final class ZoneWatcher {
    private static final Logger LOG = System.getLogger("io.multistack.dns");
    static final long POLL_MILLIS = 1000;

    private final WatchService watchService;
    private final Map<WatchKey, Set<Runnable>> watched = new ConcurrentHashMap<>();
    private final Set<Runnable> polled = new CopyOnWriteArraySet<>();
    private final Thread thread;

    @Activate
    public ZoneWatcher() throws IOException {
        watchService = FileSystems.getDefault().newWatchService();
        thread = new Thread(this::run, "multistack-dns-zones");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Calls {@code onChange} (on the watcher's thread) after files in {@code folder} were
     * created, changed or deleted; closing the returned handle stops that.
     */
    AutoCloseable watch(Path folder, Runnable onChange) {
        WatchKey key;
        try {
            key = folder.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException notWatchable) {
            LOG.log(Level.WARNING, "{0} cannot be watched ({1}); scanning it every second", folder,
                    notWatchable.toString());
            polled.add(onChange);
            return () -> polled.remove(onChange);
        }
        // one key per folder: a second watcher of the same folder shares it
        watched.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(onChange);
        return () -> watched.computeIfPresent(key, (k, listeners) -> {
            listeners.remove(onChange);
            if (listeners.isEmpty()) {
                k.cancel();
                return null;
            }
            return listeners;
        });
    }

    @Deactivate
    void deactivate() throws IOException, InterruptedException {
        watchService.close();
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    private void run() {
        long nextScan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key = watchService.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    watched.getOrDefault(key, Set.of()).forEach(ZoneWatcher::runSafely);
                }
                if (System.nanoTime() - nextScan >= 0) {
                    nextScan = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                    polled.forEach(ZoneWatcher::runSafely);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // deactivated
        }
    }

    private static void runSafely(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException unexpected) {
            LOG.log(Level.ERROR, "zone folder change not handled", unexpected);
        }
    }
}
