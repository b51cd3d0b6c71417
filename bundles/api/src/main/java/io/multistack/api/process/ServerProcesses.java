package io.multistack.api.process;

import java.nio.file.Path;
import java.util.Map;

/** Names shared by the flow manager and server-process components. */
public final class ServerProcesses {
    /** Factory PIDs of server-process instances are this prefix plus the service name. */
    public static final String PID_PREFIX = "io.multistack.process.";
    /** Per-tenant settings files are {@code etc/io.multistack.<service>~TENANT.cfg}. */
    public static final String SETTINGS_PID_PREFIX = "io.multistack.";
    /** Name of the {@link io.multistack.api.stack.TenantStack} reference of a server-process component. */
    public static final String STACK_REFERENCE = "stack";
    /** Configuration property: the tenant an instance serves. */
    public static final String TENANT = "tenant";
    /** Configuration property: the service name, e.g. {@code http}. */
    public static final String SERVICE = "service";
    /** Configuration property: the instance's own data folder, {@code data/tenants/TENANT/SERVICE}. */
    public static final String DATA_FOLDER = "data.folder";
    /** Configuration property: the folder for the instance's logs (e.g. an access log). */
    public static final String LOG_FOLDER = "log.folder";

    private ServerProcesses() {}

    /** The factory PID of a service's instances. */
    public static String pid(String service) {
        return PID_PREFIX + service;
    }

    public static String tenant(Map<String, ?> configuration) {
        return String.valueOf(configuration.get(TENANT));
    }

    public static Path dataFolder(Map<String, ?> configuration) {
        return Path.of(String.valueOf(configuration.get(DATA_FOLDER)));
    }

    public static Path logFolder(Map<String, ?> configuration) {
        return Path.of(String.valueOf(configuration.get(LOG_FOLDER)));
    }
}
