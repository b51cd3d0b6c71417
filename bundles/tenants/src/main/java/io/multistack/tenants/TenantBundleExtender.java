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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * The tenant-bundle extender: a started bundle with the header {@code Multistack-Tenant: NAME}
 * brings tenant NAME up, a stopped one takes exactly that tenant down.
 *
 * <p>The OSGi Configurator applies the bundle's {@code OSGI-INF/configurator/*.json} when the
 * bundle starts for the first time (and after an update) and removes those configurations when
 * the bundle is uninstalled. It does nothing when the bundle stops, and nothing when a stopped
 * bundle starts again. This extender fills that gap: when the bundle stops it deletes the
 * configurations the bundle declares (the tenant, its settings, its tunnel rows: the tenant
 * goes down), and when that bundle starts again it writes them back. On start it also copies
 * the bundle's {@code tenant/**} into {@code data/tenants/NAME/} (see {@link ContentCopy}).
 */
@Component(immediate = true, service = {})
public final class TenantBundleExtender implements BundleTrackerCustomizer<TenantBundleExtender.TenantBundle> {
    private static final Logger LOG = System.getLogger("io.multistack.tenants");

    /** A tracked tenant bundle: the tenant it carries and the configurations it declares. */
    record TenantBundle(String tenant, Map<String, Hashtable<String, Object>> configurations) {}

    private final BundleContext context;
    private final ConfigurationStore configurations;
    private final Path home;
    /** Bundles whose configurations this extender deleted when they stopped: restored when they start. */
    private final Set<Long> stoppedByUs = ConcurrentHashMap.newKeySet();
    private final BundleTracker<TenantBundle> tracker;
    private volatile boolean closing;

    @Activate
    public TenantBundleExtender(BundleContext context, @Reference ConfigurationAdmin admin) {
        this.context = context;
        this.configurations = new ConfigurationStore(admin);
        this.home = Homes.of(context);
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, this);
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        // The extender going away is no reason to take tenants down.
        closing = true;
        tracker.close();
    }

    @Override
    public TenantBundle addingBundle(Bundle bundle, BundleEvent event) {
        String tenant = bundle.getHeaders("").get(TenantBundles.HEADER);
        if (tenant == null) {
            return null;
        }
        try {
            TenantBundles.requireName(tenant);
            TenantBundle tracked = new TenantBundle(tenant, declaredConfigurations(bundle));
            ContentCopy.Result copied = ContentCopy.copy(TenantBundles.contentRoot(home, tenant), content(bundle));
            LOG.log(copied.refused().isEmpty() ? Level.INFO : Level.WARNING,
                    "Tenant bundle {0}: content of tenant {1}: {2}", bundle.getSymbolicName(), tenant, copied);
            if (stoppedByUs.remove(bundle.getBundleId())) {
                configurations.apply(tracked.configurations());
            }
            LOG.log(Level.INFO, "Tenant bundle {0}: tenant {1} up ({2} configurations)", bundle.getSymbolicName(),
                    tenant, tracked.configurations().size());
            return tracked;
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant bundle {0} (tenant {1}) not applied: {2}", bundle.getSymbolicName(), tenant,
                    failed.toString());
            return null;
        }
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, TenantBundle tracked) {
        // STARTING to ACTIVE changes nothing.
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, TenantBundle tracked) {
        if (closing || frameworkStopping()) {
            return;
        }
        try {
            configurations.delete(tracked.configurations().keySet());
            stoppedByUs.add(bundle.getBundleId());
            LOG.log(Level.INFO, "Tenant bundle {0} stopped: tenant {1} down", bundle.getSymbolicName(), tracked.tenant());
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.ERROR, "Tenant bundle {0} stopped, but tenant {1} could not be taken down: {2}",
                    bundle.getSymbolicName(), tracked.tenant(), failed.toString());
        }
    }

    /** At shutdown every bundle stops; the tenants' configurations are not ours to delete then. */
    private boolean frameworkStopping() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.STOPPING;
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

    /** Entries of the bundle itself (not of its imports or fragments' hosts), in a stable order. */
    private static List<URL> entries(Bundle bundle, String folder, String pattern, boolean recurse) {
        Enumeration<URL> found = bundle.findEntries(folder, pattern, recurse);
        List<URL> urls = found == null ? new ArrayList<>() : Collections.list(found);
        urls.sort((a, b) -> a.getPath().compareTo(b.getPath()));
        return urls;
    }
}
