package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BundlePlanTest {

    private final BundlePlan interactive = new BundlePlan(ShellMode.INTERACTIVE);
    private final BundlePlan daemon = new BundlePlan(ShellMode.DAEMON);

    @Test
    void exactlyOneShellReadsStandardInput() {
        assertThat(interactive.installs("org.apache.felix.gogo.jline")).isTrue();
        assertThat(interactive.installs("org.jline")).isTrue();
        assertThat(interactive.installs("org.apache.felix.gogo.shell")).isFalse();

        assertThat(daemon.installs("org.apache.felix.gogo.jline")).isFalse();
        assertThat(daemon.installs("org.jline")).isFalse();
        assertThat(daemon.installs("org.apache.felix.gogo.shell")).isTrue();
    }

    @Test
    void everythingElseRunsInBothModes() {
        for (BundlePlan plan : new BundlePlan[] {interactive, daemon}) {
            assertThat(plan.installs("io.multistack.flow")).isTrue();
            assertThat(plan.installs("org.apache.felix.gogo.runtime")).isTrue();
            assertThat(plan.installs("org.apache.felix.fileinstall")).isTrue();
        }
    }

    @Test
    void configurationIsReadAfterTheServicesAndTheShellComesLast() {
        assertThat(interactive.startLevel("io.multistack.flow")).isEqualTo(BundlePlan.SERVICES);
        assertThat(interactive.startLevel("org.apache.felix.configadmin")).isEqualTo(BundlePlan.SERVICES);
        assertThat(interactive.startLevel("org.apache.felix.fileinstall")).isEqualTo(BundlePlan.CONFIGURATION);
        assertThat(interactive.startLevel("org.apache.felix.configurator")).isEqualTo(BundlePlan.CONFIGURATION);
        assertThat(interactive.startLevel("io.multistack.access")).isEqualTo(BundlePlan.ENDPOINTS);
        assertThat(interactive.startLevel("org.apache.felix.gogo.jline")).isEqualTo(BundlePlan.SHELL);
        assertThat(BundlePlan.SERVICES).isLessThan(BundlePlan.CONFIGURATION);
        assertThat(BundlePlan.CONFIGURATION).isLessThan(BundlePlan.ENDPOINTS);
        assertThat(BundlePlan.ENDPOINTS).isLessThan(BundlePlan.SHELL);
        assertThat(BundlePlan.BEGINNING_START_LEVEL).isEqualTo(BundlePlan.SHELL);
    }
}
