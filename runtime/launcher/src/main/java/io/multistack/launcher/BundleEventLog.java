package io.multistack.launcher;

import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/** Logs bundles installed, updated and removed once running: what a drop into deploy/ did. */
final class BundleEventLog implements BundleListener {

    private static final Logger LOG = Logger.getLogger("io.multistack.launcher.bundles");

    @Override
    public void bundleChanged(BundleEvent event) {
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "installed";
            case BundleEvent.UPDATED -> "updated";
            case BundleEvent.UNINSTALLED -> "uninstalled";
            default -> null;
        };
        if (what != null) {
            Bundle bundle = event.getBundle();
            LOG.info(() -> "bundle " + what + ": " + bundle.getSymbolicName() + " " + bundle.getVersion() + " from "
                    + bundle.getLocation());
        }
    }
}
