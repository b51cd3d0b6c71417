package io.multistack.tenants;

import java.nio.file.Path;
import org.osgi.framework.BundleContext;

/** The appliance's home folder, as the launcher hands it to the bundles. */
final class Homes {
    /** Framework property set by the launcher; the flow manager reads the same one. */
    static final String HOME_PROPERTY = "multistack.home";

    private Homes() {}

    /** The home, or this bundle's private data area when no launcher set one (as the flow manager does). */
    static Path of(BundleContext context) {
        String home = context.getProperty(HOME_PROPERTY);
        return home != null ? Path.of(home) : context.getDataFile("").toPath();
    }
}
