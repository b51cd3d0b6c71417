package io.multistack.tenants;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * What happens to a tenant bundle's tenant as the bundle's state changes: started (STARTING
 * or ACTIVE) means up, anything else means down.
 *
 * <p>The OSGi Configurator applies the bundle's {@code OSGI-INF/configurator/*.json} when the
 * bundle starts for the first time (and after an update) and removes those configurations when
 * the bundle is uninstalled. It does nothing when the bundle stops, and nothing when a stopped
 * bundle starts again. This fills that gap: when the bundle stops, the configurations it
 * declares are deleted (the tenant, its settings, its tunnel rows: the tenant goes down), and
 * when that bundle starts again they are written back. A configuration that a file in etc/
 * made is the file's and is never deleted here (the Configurator does not overwrite it either). Each start also copies the bundle's
 * {@code tenant/**} into {@code data/tenants/NAME/} (see {@link ContentCopy}).
 */
final class TenantBundleLifecycle implements BundleTrackerCustomizer<TenantBundleLifecycle.TenantBundle> {
    private static final Logger LOG = System.getLogger("io.multistack.tenants");
    private static final int STARTED = Bundle.STARTING | Bundle.ACTIVE;

    /** A tenant bundle as tracked; its fields change only under its own lock. */
    static final class TenantBundle {
        final String tenant;
        /** What the bundle declared when it last came up (re-read at each start: an update may change it). */
        Map<String, Hashtable<String, Object>> declared = Map.of();
        boolean up;
        /** Its configurations were deleted by us when it stopped: to be written back when it starts. */
        boolean takenDown;

        TenantBundle(String tenant) {
            this.tenant = tenant;
        }
    }

    private final ConfigurationStore configurations;
    private final Path home;
    /** True while the framework shuts down or the extender goes: no reason to take tenants down then. */
    private final BooleanSupplier standingDown;

    TenantBundleLifecycle(ConfigurationStore configurations, Path home, BooleanSupplier standingDown) {
        this.configurations = configurations;
        this.home = home;
        this.standingDown = standingDown;
    }

    @Override
    public TenantBundle addingBundle(Bundle bundle, BundleEvent event) {
        String tenant = bundle.getHeaders("").get(TenantBundles.HEADER);
        if (tenant == null) {
            return null;
        }
        try {
            TenantBundles.requireName(tenant);
        } catch (IllegalArgumentException badName) {
            LOG.log(Level.ERROR, "Bundle {0}: {1}: {2}", bundle.getSymbolicName(), TenantBundles.HEADER,
                    badName.getMessage());
            return null;
        }
        TenantBundle tracked = new TenantBundle(tenant);
        modifiedBundle(bundle, event, tracked);
        return tracked;
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, TenantBundle tracked) {
        synchronized (tracked) {
            boolean started = (bundle.getState() & STARTED) != 0;
            if (started && !tracked.up) {
                bringUp(bundle, tracked);
            } else if (!started && tracked.up) {
                takeDown(bundle, tracked);
            }
        }
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, TenantBundle tracked) {
        modifiedBundle(bundle, event, tracked); // uninstalled: never started
    }

    private void bringUp(Bundle bundle, TenantBundle tracked) {
        tracked.up = true;
        try {
            tracked.declared = declaredConfigurations(bundle);
            ContentCopy.Result copied = ContentCopy.copy(TenantBundles.contentRoot(home, tracked.tenant), content(bundle));
            LOG.log(copied.refused().isEmpty() ? Level.INFO : Level.WARNING,
                    "Tenant bundle {0}: content of tenant {1}: {2}", bundle.getSymbolicName(), tracked.tenant, copied);
            if (tracked.takenDown) {
                configurations.apply(tracked.declared);
                tracked.takenDown = false;
            }
            LOG.log(Level.INFO, "Tenant bundle {0}: tenant {1} up ({2} configurations)", bundle.getSymbolicName(),
                    tracked.tenant, tracked.declared.size());
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant bundle {0} (tenant {1}) not fully applied: {2}", bundle.getSymbolicName(),
                    tracked.tenant, failed.toString());
        }
    }

    private void takeDown(Bundle bundle, TenantBundle tracked) {
        tracked.up = false;
        if (standingDown.getAsBoolean()) {
            return;
        }
        try {
            List<String> kept = configurations.deleteUnlessFromFile(tracked.declared.keySet());
            tracked.takenDown = true;
            LOG.log(Level.INFO, "Tenant bundle {0} stopped: tenant {1} down", bundle.getSymbolicName(), tracked.tenant);
            if (!kept.isEmpty()) {
                LOG.log(Level.WARNING, "Tenant bundle {0} stopped: {1} kept, made by files in etc/",
                        bundle.getSymbolicName(), kept);
            }
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant bundle {0} stopped, but tenant {1} could not be taken down: {2}",
                    bundle.getSymbolicName(), tracked.tenant, failed.toString());
        }
    }

    private static Map<String, Hashtable<String, Object>> declaredConfigurations(Bundle bundle) throws IOException {
        Map<String, Hashtable<String, Object>> declared = new LinkedHashMap<>();
        for (URL resource : entries(bundle, TenantBundles.CONFIGURATOR_FOLDER, "*.json", false)) {
            try (InputStream json = resource.openStream()) {
                declared.putAll(ConfigurationResources.read(resource.toString(), json));
            }
        }
        return declared;
    }

    private static List<ContentCopy.Entry> content(Bundle bundle) throws IOException {
        String prefix = "/" + TenantBundles.CONTENT_FOLDER + "/";
        List<ContentCopy.Entry> files = new ArrayList<>();
        for (URL entry : entries(bundle, TenantBundles.CONTENT_FOLDER, "*", true)) {
            String path = entry.getPath();
            if (path.endsWith("/") || !path.startsWith(prefix)) {
                continue; // folders are created as their files need them
            }
            URLConnection connection = entry.openConnection();
            long modified = connection.getLastModified() > 0 ? connection.getLastModified() : bundle.getLastModified();
            files.add(new ContentCopy.Entry(path.substring(prefix.length()), modified, entry::openStream));
        }
        return files;
    }

    /** Entries of the bundle itself (not of its imports), in a stable order. */
    private static List<URL> entries(Bundle bundle, String folder, String pattern, boolean recurse) {
        Enumeration<URL> found = bundle.findEntries(folder, pattern, recurse);
        List<URL> urls = found == null ? new ArrayList<>() : Collections.list(found);
        urls.sort((a, b) -> a.getPath().compareTo(b.getPath()));
        return urls;
    }
}
