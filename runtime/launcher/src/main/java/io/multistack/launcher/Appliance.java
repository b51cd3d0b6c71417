package io.multistack.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/** Runs the Felix framework on a home folder until it stops (shell exit or signal). */
final class Appliance {

    private static final Logger LOG = Logger.getLogger(Appliance.class.getName());
    private static final long STARTUP_REPORT_TIMEOUT_SECONDS = 60;

    private final Home home;
    private final Assembly assembly;

    Appliance(Home home, Assembly assembly) {
        this.home = home;
        this.assembly = assembly;
    }

    int run(PrintStream err) {
        PidFile pidFile = new PidFile(home.pidFile());
        try {
            home.prepare();
            Optional<Long> owner = pidFile.livingOwner();
            if (owner.isPresent()) {
                err.println("multistack: already running as pid " + owner.get() + " on " + home.root());
                return ExitCodes.USAGE;
            }
            LogSetup.configure(home.log());
        } catch (IOException e) {
            err.println("multistack: cannot prepare home " + home.root() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        try {
            pidFile.writeCurrent();
            return runFramework(ShellMode.detect());
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "the framework failed", e);
            return ExitCodes.FAILED;
        } finally {
            pidFile.delete();
            LogSetup.close();
        }
    }

    private int runFramework(ShellMode mode) throws Exception {
        LOG.info(() -> "starting on home " + home.root() + " (" + mode.name().toLowerCase() + ", pid "
                + ProcessHandle.current().pid() + ")");
        Framework framework = newFramework(FrameworkSettings.of(home, mode, new FelixLogBridge()));
        // Felix's threads inherit this thread's context class loader. Left at the launcher's
        // class path, it hides bundle resources from libraries that look there first
        // (jline then finds no terminal provider and falls back to a dumb terminal).
        Thread.currentThread().setContextClassLoader(null);
        framework.init();
        CountDownLatch started = new CountDownLatch(1);
        framework.getBundleContext().addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        List<Bundle> installed = install(framework.getBundleContext(), mode);
        StopOnSignal.install(framework);
        framework.start();
        if (started.await(STARTUP_REPORT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            reportStates(installed);
        }
        framework.getBundleContext().addBundleListener(new BundleEventLog());
        FrameworkEvent stopped = framework.waitForStop(0);
        if (stopped.getType() == FrameworkEvent.ERROR) {
            LOG.log(Level.SEVERE, "stopped on error", stopped.getThrowable());
            return ExitCodes.FAILED;
        }
        LOG.info("stopped");
        return ExitCodes.OK;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Framework newFramework(Map<String, Object> settings) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        // Felix accepts objects (the log bridge) in its configuration map.
        return factory.newFramework((Map) settings);
    }

    /** Installs the assembly's bundles for this mode and marks them to start at their start level. */
    private List<Bundle> install(BundleContext context, ShellMode mode) throws IOException, BundleException {
        BundlePlan plan = new BundlePlan(mode);
        List<Bundle> installed = new ArrayList<>();
        for (Assembly.BundleJar jar : assembly.bundles()) {
            if (!plan.installs(jar.symbolicName())) {
                continue;
            }
            Bundle bundle = context.installBundle(jar.path().toUri().toString());
            bundle.adapt(BundleStartLevel.class).setStartLevel(plan.startLevel(jar.symbolicName()));
            if (!isFragment(bundle)) {
                bundle.start();
            }
            installed.add(bundle);
        }
        return installed;
    }

    private void reportStates(List<Bundle> bundles) {
        long active = 0;
        for (Bundle bundle : bundles) {
            if (isFragment(bundle) || bundle.getState() == Bundle.ACTIVE) {
                active++;
            } else {
                LOG.warning(() -> "bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                        + " is not active (state " + stateName(bundle.getState()) + ")");
            }
        }
        long count = active;
        LOG.info(() -> "started: " + count + " of " + bundles.size() + " bundles active; console at "
                + home.consoleSocket());
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
