package io.multistack.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The local console behind {@code bin/multistack client}: serves Gogo commands on
 * {@code <multistack.home>/data/console.sock}, the path the launcher's client connects to.
 */
@Component(immediate = true, configurationPid = ConsoleComponent.PID)
@Designate(ocd = ConsoleConfig.class)
public final class ConsoleComponent {

    static final String PID = "io.multistack.console";
    /** Framework property set by the launcher. */
    static final String HOME_PROPERTY = "multistack.home";

    private static final System.Logger LOG = System.getLogger("io.multistack.console");

    private final ConsoleServer server;

    @Activate
    public ConsoleComponent(BundleContext context, ConsoleConfig config, @Reference(name = "processor") CommandProcessor processor)
            throws IOException {
        String home = context.getProperty(HOME_PROPERTY);
        if (home == null) {
            // Not started by bin/multistack (a test framework, say): nothing to serve.
            LOG.log(Level.INFO, "framework property {0} is not set: no local console", HOME_PROPERTY);
            server = null;
            return;
        }
        ConsoleLimits limits = ConsoleLimits.from(config);
        server = ConsoleServer.open(socketIn(Path.of(home)), new GogoCommandRunner(processor, limits.maxOutputBytes()),
                limits);
        LOG.log(Level.DEBUG, "local console on {0}", server.socket());
    }

    static Path socketIn(Path home) {
        return home.resolve("data").resolve("console.sock");
    }

    @Deactivate
    void deactivate() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
