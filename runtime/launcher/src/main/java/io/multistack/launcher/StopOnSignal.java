package io.multistack.launcher;

import java.util.logging.Logger;

import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the framework; the main thread, waiting for it to stop, then
 * exits with status 0. Handling the signals (rather than only a shutdown hook) is what
 * lets a stopped daemon exit 0 instead of 143.
 */
final class StopOnSignal {

    private static final Logger LOG = Logger.getLogger(StopOnSignal.class.getName());

    private StopOnSignal() {
    }

    static void install(Framework framework) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop(framework, "SIG" + signal.getName()));
        }
        // Any other orderly JVM exit (System.exit elsewhere, SIGHUP) still stops the bundles.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(framework, "JVM shutdown");
            try {
                framework.waitForStop(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "multistack-shutdown"));
    }

    private static void stop(Framework framework, String reason) {
        if (framework.getState() != Framework.ACTIVE && framework.getState() != Framework.STARTING) {
            return;
        }
        LOG.info(() -> "stopping (" + reason + ")");
        try {
            framework.stop(); // asynchronous in Felix: the main thread's waitForStop returns when done
        } catch (BundleException e) {
            LOG.log(java.util.logging.Level.SEVERE, "cannot stop the framework", e);
        }
    }
}
