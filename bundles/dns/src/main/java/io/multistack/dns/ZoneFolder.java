package io.multistack.dns;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The zone files of one tenant ({@code data/tenants/NAME/dns/*.zone}, the zone's name is the
 * file's name without {@code .zone} unless {@code $ORIGIN} says otherwise). {@link #poll}
 * re-reads files whose modification time or size changed and publishes a new immutable
 * {@link Catalog}; a file that fails to parse is logged with file and line and its previous
 * zone stays in service. Called from one thread at a time.
 */
final class ZoneFolder {
    private static final Logger LOG = System.getLogger("io.multistack.dns");
    private static final String SUFFIX = ".zone";

    private record Stamp(FileTime modified, long size) {}

    /** A file's last seen stamp and the zone it last parsed to (null if it never parsed). */
    private record Loaded(Stamp stamp, Zone zone) {}

    private final Path folder;
    private final String tenant;
    private final Map<Path, Loaded> files = new HashMap<>();
    private volatile Catalog catalog = Catalog.EMPTY;

    ZoneFolder(Path folder, String tenant) {
        this.folder = folder;
        this.tenant = tenant;
    }

    Catalog catalog() {
        return catalog;
    }

    Path folder() {
        return folder;
    }

    /** Looks for changed, new and removed files; returns true when the catalog changed. */
    synchronized boolean poll() {
        TreeSet<Path> present = list();
        boolean changed = files.keySet().removeIf(path -> {
            if (!present.contains(path)) {
                LOG.log(Level.INFO, "Tenant {0}: zone file {1} removed", tenant, path);
                return true;
            }
            return false;
        });
        for (Path path : present) {
            changed |= load(path);
        }
        if (changed) {
            publish(present);
        }
        return changed;
    }

    private TreeSet<Path> list() {
        TreeSet<Path> found = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            stream.forEach(path -> {
                if (Files.isRegularFile(path)) {
                    found.add(path);
                }
            });
        } catch (NoSuchFileException missing) {
            // no zones yet
        } catch (IOException failed) {
            LOG.log(Level.WARNING, "Tenant {0}: cannot list {1}: {2}", tenant, folder, failed.toString());
            found.addAll(files.keySet()); // keep serving what we have
        }
        return found;
    }

    /** (Re)reads one file if its stamp changed; true when its zone changed. */
    private boolean load(Path path) {
        Loaded before = files.get(path);
        Stamp stamp;
        String text;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            stamp = new Stamp(attributes.lastModifiedTime(), attributes.size());
            if (before != null && before.stamp().equals(stamp)) {
                return false;
            }
            // Latin-1 maps every byte to one char: the lexer then rejects non-ASCII with a line number
            text = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (IOException failed) {
            LOG.log(Level.WARNING, "Tenant {0}: cannot read zone file {1}: {2}", tenant, path, failed.toString());
            return false;
        }
        Zone previous = before == null ? null : before.zone();
        String fileName = path.getFileName().toString();
        try {
            Zone zone = ZoneParser.parse(path.toString(), text, fileName.substring(0, fileName.length() - SUFFIX.length()));
            files.put(path, new Loaded(stamp, zone));
            LOG.log(Level.INFO, "Tenant {0}: zone {1} loaded from {2} (serial {3}, {4} records)", tenant, zone.apex(),
                    path, zone.serial(), zone.recordCount());
            return true;
        } catch (ZoneFileException rejected) {
            files.put(path, new Loaded(stamp, previous)); // remember the stamp: log a broken file once
            LOG.log(Level.ERROR, "Tenant {0}: zone file rejected: {1}; {2}", tenant, rejected.getMessage(),
                    previous == null ? "zone not served"
                            : "still serving the previous version (serial " + previous.serial() + ")");
            return false;
        }
    }

    /** One zone per apex: when two files define the same zone, the first by file name wins. */
    private void publish(TreeSet<Path> order) {
        Map<String, Zone> byApex = new LinkedHashMap<>();
        for (Path path : order) {
            Loaded loaded = files.get(path);
            if (loaded == null || loaded.zone() == null) {
                continue;
            }
            Zone other = byApex.putIfAbsent(loaded.zone().apex(), loaded.zone());
            if (other != null) {
                LOG.log(Level.ERROR, "Tenant {0}: zone {1} in {2} ignored: {3} defines it already", tenant,
                        loaded.zone().apex(), path, other.source());
            }
        }
        catalog = new Catalog(new ArrayList<>(byApex.values()));
    }

    List<Zone> zones() {
        return catalog.zones();
    }
}
