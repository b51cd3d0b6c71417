package io.multistack.tenants;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** What makes a bundle a tenant bundle, and where its tenant's things live. */
final class TenantBundles {
    /** Manifest header naming the tenant a bundle carries: {@code Multistack-Tenant: NAME}. */
    static final String HEADER = "Multistack-Tenant";
    /** Folder in the bundle whose files are copied to {@code data/tenants/NAME/}. */
    static final String CONTENT_FOLDER = "tenant";
    /** Where the OSGi Configurator reads a bundle's configuration resources. */
    static final String CONFIGURATOR_FOLDER = "OSGI-INF/configurator";
    /** Without this requirement, wired to the Configurator, the Configurator ignores a bundle. */
    static final String REQUIRE_CONFIGURATOR =
            "osgi.extender;filter:=\"(&(osgi.extender=osgi.configurator)(version>=1.0)(!(version>=2.0)))\"";
    /** Any bundle may consume configurations a tenant bundle brings, as with files in etc/. */
    static final String ANY_LOCATION = "?";

    static final String TENANT_PID = "io.multistack.tenant";
    static final String TUNNEL_PID = "io.multistack.access.tunnel";
    static final String SETTINGS_PID_PREFIX = "io.multistack.";

    /** The flow manager's rule for tenant names: never a path element such as {@code ..}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private TenantBundles() {}

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a tenant name (letters, digits, '.', '_', '-';"
                    + " at most 64, starting with a letter or digit)");
        }
        return name;
    }

    /** {@code HOME/data/tenants/NAME}: the tenant's content, shared by its server processes' data folders. */
    static Path contentRoot(Path home, String tenant) {
        return home.resolve("data").resolve("tenants").resolve(requireName(tenant));
    }
}
