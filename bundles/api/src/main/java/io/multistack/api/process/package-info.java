/**
 * The upper mapping's contract: how a bundle provides a server process (HTTP, FTP, DNS, or a
 * third party's) that runs once per tenant on that tenant's stack alone.
 *
 * <p>A server process is a declarative-services component with
 * {@code configurationPid = "io.multistack.process.<service>"} (see {@link ServerProcesses#pid})
 * and {@code configurationPolicy = REQUIRE}, and a reference named {@value ServerProcesses#STACK_REFERENCE}
 * to a {@link io.multistack.api.stack.TenantStack}. The flow manager creates one factory
 * configuration per tenant that lists the service; it sets the reference's target filter
 * to that tenant alone and passes the tenant's data folder, log folder and settings
 * ({@code etc/io.multistack.<service>~TENANT.cfg} over the component's defaults). Each
 * running instance registers a {@link ServerProcess} service so operators see its state.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.multistack.api.process;
