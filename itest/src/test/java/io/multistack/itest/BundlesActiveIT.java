package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.loop.DataPathLoops;
import io.netty.channel.epoll.Epoll;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The appliance's bundles resolve and start on JDK 25 in Felix, and no component fails to activate. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundlesActiveIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private DataPathLoops dataPathLoops;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Test
    public void everyProvisionedBundleIsActive() {
        List<String> paths = FrameworkUnderTest.applianceBundlePaths();
        List<String> notActive = new ArrayList<>();
        for (String path : paths) {
            Bundle bundle = context.getBundle(FrameworkUnderTest.location(path));
            if (bundle == null) {
                notActive.add(path + " is not installed");
            } else if (bundle.getState() != expectedState(bundle)) {
                notActive.add(bundle.getSymbolicName() + " is " + stateName(bundle.getState()));
            }
        }
        List<String> names = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            names.add(bundle.getSymbolicName());
        }
        assertThat(names).as("the appliance's core bundles are provisioned").contains("io.multistack.api",
                "io.multistack.loops", "io.multistack.stack", "io.multistack.demux", "io.multistack.access", "io.multistack.flow",
                "io.multistack.shell", "io.multistack.console", "io.multistack.etc", "io.multistack.diag",
                "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall");
        assertThat(notActive).as("bundles that are not ACTIVE").isEmpty();
    }

    @Test
    public void noComponentFailsToActivate() {
        List<String> failures = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    failures.add(description.name + ": " + configuration.failure);
                }
            }
        }
        assertThat(failures).as("components whose activation threw").isEmpty();
    }

    @Test
    public void nettysNativeEpollTransportLoadsInTheFramework() {
        assertThat(Epoll.isAvailable()).as("Epoll.isAvailable(); cause: %s", Epoll.unavailabilityCause()).isTrue();
    }

    /** The shared data-path loops found the epoll package through their optional import. */
    @Test
    public void theDataPathLoopsRunEpollOnePerProcessor() {
        assertThat(dataPathLoops.nativeEpoll()).as("data-path loops on native epoll").isTrue();
        assertThat(dataPathLoops.loops()).hasSize(Runtime.getRuntime().availableProcessors());
    }

    /** Fragments (the native epoll library) never start; they are RESOLVED once attached to their host. */
    private static int expectedState(Bundle bundle) {
        return bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null ? Bundle.ACTIVE : Bundle.RESOLVED;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "in state " + state;
        };
    }
}
