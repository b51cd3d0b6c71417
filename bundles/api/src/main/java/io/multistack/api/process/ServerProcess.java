package io.multistack.api.process;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One running instance of a server process, serving one tenant on that tenant's stack alone.
 * Made by {@link ServerProcessFactory#start}; the flow manager publishes it as a service with the
 * properties {@value ServerProcesses#TENANT}, {@value ServerProcesses#SERVICE} and
 * {@value ServerProcesses#DATA_FOLDER}, so that operators and commands see what runs where.
 */
@ConsumerType
public interface ServerProcess {
    String tenant();

    String service();

    /** One line for {@code flow:table}, e.g. {@code listening on 192.168.1.1:80, 3 connections}. */
    String status();

    /**
     * The tenant's settings file changed. Return {@code true} when the instance took the new
     * settings itself (or rejected them, logged, keeping the previous ones); {@code false} has
     * the flow manager stop this instance and start a new one with them.
     */
    default boolean reconfigure(Map<String, Object> settings) {
        return false;
    }

    /** Closes the instance's listeners and connections. Called once, on the flow manager's thread. */
    void stop();
}
