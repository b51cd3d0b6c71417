package io.multistack.api.process;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a bundle registers, once, to provide a server process: a service with the property
 * {@value ServerProcesses#SERVICE} naming it (the name tenants list in {@code services}).
 * The flow manager calls {@link #start} for every tenant that lists the service, and stops the
 * instances when the tenant stops listing it, the tenant goes, or this service goes.
 */
@ConsumerType
public interface ServerProcessFactory {
    /**
     * Starts an instance for one tenant: binds its listeners on {@code context.stack()} and
     * returns once it serves. Called on the flow manager's thread, one call at a time.
     *
     * @throws Exception when it cannot serve (bad settings, port taken): logged by the flow
     *         manager, tried again when the tenant's settings change
     */
    ServerProcess start(ProcessContext context) throws Exception;
}
