package io.multistack.api.process;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A running server-process instance, registered by it as a service with the properties
 * {@value ServerProcesses#TENANT} and {@value ServerProcesses#SERVICE}, so that the flow
 * manager and operators see which services run where.
 */
@ConsumerType
public interface ServerProcess {
    String tenant();

    String service();

    /** One line for {@code flow:table}, e.g. {@code listening on 192.168.1.1:80, 3 connections}. */
    String status();
}
