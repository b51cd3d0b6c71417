package io.multistack.etcbridge;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Makes {@code etc/factoryPid~name.cfg} a named factory configuration, as the operator
 * contract promises.
 *
 * <p>Why: FileInstall 3.7.4 only knows the older {@code factoryPid-name.cfg} form; it
 * reads a {@code ~} file as a plain configuration whose PID merely contains a tilde, which
 * no factory component ever receives. This bridge replaces such a configuration with the
 * named factory configuration of the same PID and the same properties, including
 * FileInstall's file name property: FileInstall finds configurations by that property,
 * so from then on it updates and deletes the factory configuration itself when the file
 * changes or disappears.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class TildeFileBridge implements ConfigurationListener {

    /** Set by FileInstall on every configuration it read from a file. */
    static final String FILE_PROPERTY = "felix.fileinstall.filename";
    /** Bound to whichever bundle asks, like FileInstall's own configurations. */
    private static final String ANY_LOCATION = "?";

    private static final System.Logger LOG = System.getLogger("io.multistack.etcbridge");

    private final ConfigurationAdmin configAdmin;

    @Activate
    public TildeFileBridge(@Reference(name = "configAdmin") ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
        // Files FileInstall read before this component started produced no event for it.
        convertMatching("(" + FILE_PROPERTY + "=*)");
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getFactoryPid() == null
                && FactoryName.parse(event.getPid()).isPresent()) {
            convertMatching("(" + Constants.SERVICE_PID + "=" + escape(event.getPid()) + ")");
        }
    }

    /** Serialised: the startup scan and the event thread may meet on the same configuration. */
    synchronized void convertMatching(String filter) {
        try {
            Configuration[] found = configAdmin.listConfigurations(filter);
            for (Configuration config : found == null ? new Configuration[0] : found) {
                convert(config);
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.log(Level.ERROR, "cannot turn " + filter + " into a named factory configuration", e);
        }
    }

    private void convert(Configuration plain) throws IOException {
        Optional<FactoryName> name = FactoryName.parse(plain.getPid());
        Dictionary<String, Object> properties = plain.getProperties();
        if (plain.getFactoryPid() != null || name.isEmpty() || properties == null
                || properties.get(FILE_PROPERTY) == null) {
            return;
        }
        Hashtable<String, Object> copy = new Hashtable<>();
        for (String key : Collections.list(properties.keys())) {
            if (!Constants.SERVICE_PID.equals(key)) {
                copy.put(key, properties.get(key));
            }
        }
        plain.delete();
        configAdmin.getFactoryConfiguration(name.get().factoryPid(), name.get().name(), ANY_LOCATION).update(copy);
        LOG.log(Level.DEBUG, "{0}: named factory configuration {1}, name {2}", properties.get(FILE_PROPERTY),
                name.get().factoryPid(), name.get().name());
    }

    /** RFC 1960 filter value escaping. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
