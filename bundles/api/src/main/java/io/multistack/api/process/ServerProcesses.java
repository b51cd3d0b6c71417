package io.multistack.api.process;

/** Names shared by the flow manager and the bundles that provide server processes. */
public final class ServerProcesses {
    /** Per-tenant settings files are {@code etc/io.multistack.<service>~TENANT.cfg}. */
    public static final String SETTINGS_PID_PREFIX = "io.multistack.";
    /** Service property of a {@link ServerProcess} and of a {@link ServerProcessFactory}: the service name, e.g. {@code http}. */
    public static final String SERVICE = "service";
    /** Service property of a {@link ServerProcess}: the tenant it serves. */
    public static final String TENANT = "tenant";
    /** Service property of a {@link ServerProcess}: its data folder ({@link ProcessContext#dataFolder()}). */
    public static final String DATA_FOLDER = "data.folder";
    /** Service property of a {@link ServerProcess}: the service id of the tenant stack it runs on. */
    public static final String STACK_ID = "stack.id";

    private ServerProcesses() {}

    /** The factory PID of a service's per-tenant settings files. */
    public static String settingsPid(String service) {
        return SETTINGS_PID_PREFIX + service;
    }
}
