package io.multistack.etc;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Turns {@code etc/FACTORYPID~NAME.cfg} into the named factory configuration
 * {@code (FACTORYPID, NAME)} of ConfigurationAdmin R7. FileInstall 3.7 would make a plain
 * configuration with PID {@code FACTORYPID~NAME}, which no factory component ever sees.
 * Ranked above FileInstall's own installer, so these files come here; every other file
 * stays FileInstall's.
 *
 * <p>FileInstall polls (every second, and a file waits a second poll to be seen stable), so
 * a new tenant file would wait about two seconds. The folder named by the framework property
 * {@code multistack.etc} is also watched ({@link EtcWatcher}, inotify): a file renamed into
 * place is applied at once, one closed by its writer {@value EtcWatcher#CLOSED_SETTLE_MILLIS} ms
 * later; FileInstall's later delivery of the same file then changes nothing
 * ({@code updateIfDifferent}).
 */
@Component(service = ArtifactInstaller.class, property = Constants.SERVICE_RANKING + ":Integer=100")
public final class NamedFactoryConfigInstaller implements ArtifactInstaller {
    /** The property FileInstall uses to tie a configuration to its file; our bundles read it for messages. */
    static final String FILENAME = "felix.fileinstall.filename";
    private static final Logger LOG = System.getLogger("io.multistack.etc");

    private final ConfigurationAdmin configurationAdmin;
    private final EtcWatcher watcher;

    @Activate
    public NamedFactoryConfigInstaller(@Reference ConfigurationAdmin configurationAdmin, BundleContext context) {
        this(configurationAdmin, context.getProperty("multistack.etc"));
    }

    /** @param etc the folder to watch, or {@code null} for none */
    NamedFactoryConfigInstaller(ConfigurationAdmin configurationAdmin, String etc) {
        this.configurationAdmin = configurationAdmin;
        this.watcher = watch(etc);
    }

    private EtcWatcher watch(String etc) {
        if (etc == null || !Files.isDirectory(Path.of(etc))) {
            return null; // no etc folder (tests, an appliance without one): FileInstall alone
        }
        try {
            EtcWatcher started = new EtcWatcher(Path.of(etc), name -> NamedFactoryPid.of(name) != null,
                    file -> applyQuietly(file.toFile()), file -> removeQuietly(file.toFile()));
            started.start();
            LOG.log(Level.DEBUG, "etc/ watched through {0}", started.source());
            return started;
        } catch (IOException | RuntimeException failed) {
            LOG.log(Level.WARNING, "etc/ is not watched ({0}); changes wait for FileInstall''s poll", failed.toString());
            return null;
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void applyQuietly(File artifact) {
        try {
            update(artifact);
        } catch (Exception failed) {
            LOG.log(Level.ERROR, "etc/{0}: {1}", artifact.getName(), failed.toString());
        }
    }

    private void removeQuietly(File artifact) {
        try {
            uninstall(artifact);
        } catch (Exception failed) {
            LOG.log(Level.ERROR, "etc/{0}: {1}", artifact.getName(), failed.toString());
        }
    }

    @Override
    public boolean canHandle(File artifact) {
        return NamedFactoryPid.of(artifact.getName()) != null;
    }

    @Override
    public void install(File artifact) throws Exception {
        update(artifact);
    }

    @Override
    public synchronized void update(File artifact) throws Exception {
        NamedFactoryPid pid = NamedFactoryPid.of(artifact.getName());
        Dictionary<String, Object> properties;
        try {
            properties = read(artifact);
        } catch (IOException | IllegalArgumentException unreadable) {
            LOG.log(Level.ERROR, "Rejected etc/{0}: cannot be read as key = value lines: {1}", artifact.getName(),
                    unreadable.getMessage());
            return;
        }
        properties.put(FILENAME, artifact.toURI().toString());
        Configuration configuration = configurationAdmin.getFactoryConfiguration(pid.factoryPid(), pid.name(), "?");
        // FileInstall and the watcher both deliver a file: the second delivery changes nothing
        configuration.updateIfDifferent(properties);
    }

    @Override
    public synchronized void uninstall(File artifact) throws Exception {
        NamedFactoryPid pid = NamedFactoryPid.of(artifact.getName());
        Configuration[] found = configurationAdmin.listConfigurations(
                "(" + Constants.SERVICE_PID + "=" + pid.servicePid() + ")");
        if (found != null) {
            for (Configuration configuration : found) {
                configuration.delete();
            }
        }
    }

    /** The file as Java properties: every value a trimmed string, as FileInstall's own .cfg files. */
    static Dictionary<String, Object> read(File artifact) throws IOException {
        Properties loaded = new Properties();
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            loaded.load(in);
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        loaded.stringPropertyNames().forEach(key -> properties.put(key.trim(), loaded.getProperty(key).trim()));
        return properties;
    }
}
