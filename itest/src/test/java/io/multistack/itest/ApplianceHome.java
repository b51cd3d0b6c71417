package io.multistack.itest;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A home folder as the launcher sets it up ({@code multistack.home}: {@code data/tenants/...},
 * {@code deploy/}), for tests of what lands in a tenant's data folder and of drop-in bundles.
 */
public final class ApplianceHome {
    public static final String HOME_PROPERTY = "multistack.home";

    private final Path root;

    private ApplianceHome(Path root) {
        this.root = root;
    }

    /** Framework option: a new home under the tests' work folder (shared by a class's frameworks). */
    public static Option option() {
        try {
            Path work = Files.createDirectories(Path.of(System.getProperty("itest.work")));
            return frameworkProperty(HOME_PROPERTY).value(Files.createTempDirectory(work, "home-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The framework's home. */
    public static ApplianceHome of(BundleContext context) throws IOException {
        ApplianceHome home = new ApplianceHome(Path.of(context.getProperty(HOME_PROPERTY)));
        Files.createDirectories(home.deploy());
        return home;
    }

    /**
     * The framework's home, emptied of what an earlier test of the class left in data/ and
     * deploy/: for a test's first step in a new framework ({@code PerMethod}).
     */
    public static ApplianceHome fresh(BundleContext context) throws IOException {
        ApplianceHome home = new ApplianceHome(Path.of(context.getProperty(HOME_PROPERTY)));
        deleteTree(home.root.resolve("data"));
        deleteTree(home.deploy());
        Files.createDirectories(home.deploy());
        return home;
    }

    public Path root() {
        return root;
    }

    public Path deploy() {
        return root.resolve("deploy");
    }

    public Path tenantData(String tenant) {
        return root.resolve("data").resolve("tenants").resolve(tenant);
    }

    /** Makes FileInstall watch deploy/ as the launcher does (here through its configuration, polling fast). */
    public void watchDeploy(ConfigurationAdmin admin) throws IOException {
        Configuration watcher = admin.getFactoryConfiguration("org.apache.felix.fileinstall", "deploy", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("felix.fileinstall.dir", deploy().toString());
        properties.put("felix.fileinstall.poll", "250");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        watcher.update(properties);
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
