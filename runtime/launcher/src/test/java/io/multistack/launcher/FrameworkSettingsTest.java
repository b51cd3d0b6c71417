package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FrameworkSettingsTest {

    private final Home home = new Home(Path.of("/srv/ms"));
    private final Object logger = new Object();

    @Test
    void etcIsTheOnlySourceOfTruth() {
        Map<String, Object> settings = FrameworkSettings.of(home, ShellMode.DAEMON, logger);
        assertThat(settings)
                .containsEntry("org.osgi.framework.storage", "/srv/ms/data/cache")
                .containsEntry("org.osgi.framework.storage.clean", "onFirstInit")
                .containsEntry("felix.fileinstall.enableConfigSave", "false");
    }

    @Test
    void fileInstallWatchesEtcAndDeployEverySecondFromTheStart() {
        Map<String, Object> settings = FrameworkSettings.of(home, ShellMode.DAEMON, logger);
        assertThat(settings)
                .containsEntry("felix.fileinstall.dir", "/srv/ms/etc,/srv/ms/deploy")
                .containsEntry("felix.fileinstall.poll", "1000")
                .containsEntry("felix.fileinstall.noInitialDelay", "true");
    }

    @Test
    void bundlesLearnWhereTheHomeAndEtcAre() {
        Map<String, Object> settings = FrameworkSettings.of(home, ShellMode.INTERACTIVE, logger);
        assertThat(settings)
                .containsEntry("multistack.home", "/srv/ms")
                .containsEntry("multistack.etc", "/srv/ms/etc")
                .containsEntry("felix.log.logger", logger)
                .containsEntry("org.osgi.framework.startlevel.beginning", Integer.toString(BundlePlan.SHELL));
    }

    @Test
    void onlyTheDaemonsShellIsToldNotToBeInteractive() {
        assertThat(FrameworkSettings.of(home, ShellMode.DAEMON, logger)).containsEntry("gosh.args", "--nointeractive");
        assertThat(FrameworkSettings.of(home, ShellMode.INTERACTIVE, logger)).doesNotContainKey("gosh.args");
    }
}
