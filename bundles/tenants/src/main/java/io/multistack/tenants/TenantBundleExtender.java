package io.multistack.tenants;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;

/**
 * The tenant-bundle extender: a started bundle with the header {@code Multistack-Tenant: NAME}
 * brings tenant NAME up, a stopped one takes exactly that tenant down (see
 * {@link TenantBundleLifecycle}). Every state is tracked, so that a bundle is followed from
 * install to uninstall and forgotten then.
 */
@Component(immediate = true, service = {})
public final class TenantBundleExtender {
    private static final int EVERY_STATE_BUT_UNINSTALLED =
            Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING;

    private final BundleTracker<TenantBundleLifecycle.TenantBundle> tracker;
    private volatile boolean closing;

    @Activate
    public TenantBundleExtender(BundleContext context, @Reference ConfigurationAdmin admin) {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        TenantBundleLifecycle lifecycle = new TenantBundleLifecycle(new ConfigurationStore(admin), Homes.of(context),
                () -> closing || framework.getState() == Bundle.STOPPING);
        this.tracker = new BundleTracker<>(context, EVERY_STATE_BUT_UNINSTALLED, lifecycle);
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        // The extender going away is no reason to take tenants down.
        closing = true;
        tracker.close();
    }
}
