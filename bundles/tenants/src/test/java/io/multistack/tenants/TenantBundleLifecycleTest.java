package io.multistack.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/** The tenant follows its bundle: up when started, down when stopped, back when started again. */
class TenantBundleLifecycleTest {
    private static final String JSON = """
            {
              ":configurator:resource-version": 1,
              "io.multistack.tenant~D": { "vlan": "640", "address": "192.168.1.1/24" },
              "io.multistack.access.tunnel~siteD": { "remote": "198.51.100.14", "vni": "104", "vlan": "640" }
            }
            """;

    @TempDir
    Path home;

    private final FakeConfigurationAdmin admin = new FakeConfigurationAdmin();
    private final AtomicBoolean standingDown = new AtomicBoolean();
    private TenantBundleLifecycle lifecycle;
    private Path jar;
    private int state = Bundle.INSTALLED;

    @BeforeEach
    void tenantBundleD() throws IOException {
        lifecycle = new TenantBundleLifecycle(new ConfigurationStore(admin.admin()), home, standingDown::get);
        jar = home.resolve("tenant-D.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var entry : Map.of("OSGI-INF/configurator/tenant-D.json", JSON,
                    "tenant/www/index.html", "<h1>D</h1>", "tenant/../escape.txt", "no").entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    /** What the Configurator does on the first start: writes the declared configurations. */
    private void configuratorApplies() {
        admin.stored.put("io.multistack.tenant~D", new Hashtable<>(Map.of("vlan", "640", "address", "192.168.1.1/24")));
        admin.stored.put("io.multistack.access.tunnel~siteD",
                new Hashtable<>(Map.of("remote", "198.51.100.14", "vni", "104", "vlan", "640")));
    }

    @Test
    void aBundleWithoutTheHeaderIsNotTracked() {
        assertThat(lifecycle.addingBundle(bundle(Map.of()), null)).isNull();
        assertThat(lifecycle.addingBundle(bundle(Map.of("Multistack-Tenant", "../A")), null)).isNull();
    }

    @Test
    void installedIsNothingStartedCopiesTheContentAndLeavesConfigurationToTheConfigurator() throws Exception {
        Bundle bundle = bundle(Map.of("Multistack-Tenant", "D"));
        var tracked = lifecycle.addingBundle(bundle, null);
        assertThat(home.resolve("data/tenants/D")).doesNotExist();

        state = Bundle.ACTIVE;
        configuratorApplies();
        lifecycle.modifiedBundle(bundle, null, tracked);

        assertThat(home.resolve("data/tenants/D/www/index.html")).hasContent("<h1>D</h1>");
        assertThat(home.resolve("data/tenants/escape.txt")).doesNotExist();
        assertThat(admin.writes).as("the first start is the Configurator's").isZero();
    }

    @Test
    void stoppingDeletesTheDeclaredConfigurationsAndStartingWritesThemBack() throws Exception {
        Bundle bundle = bundle(Map.of("Multistack-Tenant", "D"));
        state = Bundle.ACTIVE;
        configuratorApplies();
        admin.stored.put("io.multistack.tenant~A", new Hashtable<>(Map.of("vlan", "600")));
        var tracked = lifecycle.addingBundle(bundle, null);

        state = Bundle.STOPPING;
        lifecycle.modifiedBundle(bundle, null, tracked);
        assertThat(admin.stored).containsOnlyKeys("io.multistack.tenant~A");

        state = Bundle.RESOLVED;
        lifecycle.modifiedBundle(bundle, null, tracked);
        state = Bundle.STARTING;
        lifecycle.modifiedBundle(bundle, null, tracked);
        assertThat(admin.stored).containsOnlyKeys("io.multistack.tenant~A", "io.multistack.tenant~D",
                "io.multistack.access.tunnel~siteD");
        assertThat(admin.stored.get("io.multistack.tenant~D")).containsEntry("vlan", "640");

        state = Bundle.ACTIVE;
        lifecycle.modifiedBundle(bundle, null, tracked);
        assertThat(admin.writes).as("STARTING to ACTIVE writes nothing again").isEqualTo(2);
    }

    @Test
    void aConfigurationMadeByAFileInEtcIsNeverDeleted() throws Exception {
        Bundle bundle = bundle(Map.of("Multistack-Tenant", "D"));
        state = Bundle.ACTIVE;
        configuratorApplies();
        admin.stored.get("io.multistack.tenant~D").put("felix.fileinstall.filename", "file:/home/etc/io.multistack.tenant~D.cfg");
        var tracked = lifecycle.addingBundle(bundle, null);

        state = Bundle.STOPPING;
        lifecycle.modifiedBundle(bundle, null, tracked);

        assertThat(admin.stored).containsOnlyKeys("io.multistack.tenant~D");
    }

    @Test
    void uninstallingAStoppedBundleChangesNothingMore() throws Exception {
        Bundle bundle = bundle(Map.of("Multistack-Tenant", "D"));
        state = Bundle.ACTIVE;
        configuratorApplies();
        var tracked = lifecycle.addingBundle(bundle, null);
        state = Bundle.STOPPING;
        lifecycle.modifiedBundle(bundle, null, tracked);

        state = Bundle.UNINSTALLED;
        lifecycle.removedBundle(bundle, null, tracked);

        assertThat(admin.stored).isEmpty();
        assertThat(admin.writes).isZero();
    }

    @Test
    void atShutdownTheTenantIsLeftAsItIs() throws Exception {
        Bundle bundle = bundle(Map.of("Multistack-Tenant", "D"));
        state = Bundle.ACTIVE;
        configuratorApplies();
        var tracked = lifecycle.addingBundle(bundle, null);

        standingDown.set(true);
        state = Bundle.STOPPING;
        lifecycle.modifiedBundle(bundle, null, tracked);

        assertThat(admin.stored).containsOnlyKeys("io.multistack.tenant~D", "io.multistack.access.tunnel~siteD");
    }

    /** A bundle over the jar: headers, state, and findEntries as Felix answers it (jar: URLs here). */
    private Bundle bundle(Map<String, String> headers) {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> new Hashtable<>(headers);
                    case "getState" -> state;
                    case "getSymbolicName" -> "io.multistack.tenant.D";
                    case "getBundleId" -> 42L;
                    case "getLastModified" -> 1_700_000_000_000L;
                    case "findEntries" -> Collections.enumeration(entries((String) args[0], (String) args[1]));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private List<URL> entries(String folder, String pattern) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String suffix = pattern.substring(1); // "*" or "*.json"
            return Collections.list(file.entries()).stream().map(JarEntry::getName)
                    .filter(name -> name.startsWith(folder + "/") && name.endsWith(suffix))
                    .map(this::bundleUrl).toList();
        }
    }

    /** {@code bundle://42.0:0/NAME} as Felix gives it, read from the jar (URL has no other way to take a handler). */
    @SuppressWarnings("deprecation")
    private URL bundleUrl(String name) {
        URLStreamHandler fromJar = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL url) throws IOException {
                return URI.create("jar:" + jar.toUri() + "!/" + name).toURL().openConnection();
            }
        };
        try {
            return new URL("bundle", "42.0", 0, "/" + name, fromJar);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
