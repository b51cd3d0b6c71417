package io.multistack.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Felix configuration for one home and shell mode. */
final class FrameworkSettings {

    static final String HOME_PROPERTY = "multistack.home";
    static final String ETC_PROPERTY = "multistack.etc";

    private FrameworkSettings() {
    }

    static Map<String, Object> of(Home home, ShellMode mode, Object felixLogger) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("org.osgi.framework.storage", home.frameworkStorage().toString());
        // etc/ is the only source of truth: no bundle or configuration survives a restart.
        settings.put("org.osgi.framework.storage.clean", "onFirstInit");
        settings.put("org.osgi.framework.startlevel.beginning", Integer.toString(BundlePlan.BEGINNING_START_LEVEL));
        settings.put("felix.log.logger", felixLogger);
        settings.put("felix.log.level", "2");
        settings.put("ds.loglevel", "warn");

        settings.put(HOME_PROPERTY, home.root().toString());
        settings.put(ETC_PROPERTY, home.etc().toString());

        // FileInstall splits felix.fileinstall.dir at commas and starts one watcher per folder.
        settings.put("felix.fileinstall.dir", home.etc() + "," + home.deploy());
        settings.put("felix.fileinstall.poll", "1000");
        settings.put("felix.fileinstall.noInitialDelay", "true");
        settings.put("felix.fileinstall.tmpdir", home.data().resolve("fileinstall").toString());
        settings.put("felix.fileinstall.log.level", "2");
        // Files are read, never rewritten from ConfigAdmin: the operator's file stays as written.
        settings.put("felix.fileinstall.enableConfigSave", "false");

        if (!mode.goshArgs().isEmpty()) {
            settings.put("gosh.args", mode.goshArgs());
        }
        return settings;
    }
}
