/**
 * The upper mapping's contract: how a bundle provides a server process (HTTP, FTP, DNS, or a
 * third party's) that runs once per tenant, on that tenant's stack alone.
 *
 * <p>A bundle registers one {@link io.multistack.api.process.ServerProcessFactory} service with
 * the property {@code service=NAME} (a declarative-services component is the usual way). For
 * every tenant whose {@code services} key lists {@code NAME}, the flow manager calls
 * {@link io.multistack.api.process.ServerProcessFactory#start} with a
 * {@link io.multistack.api.process.ProcessContext} holding that tenant's stack, folders and
 * settings ({@code etc/io.multistack.NAME~TENANT.cfg}), and publishes the returned
 * {@link io.multistack.api.process.ServerProcess} so operators see its state. The instance
 * is stopped when the tenant stops listing the service, when the tenant goes, or when the
 * factory goes; a settings edit reaches it through
 * {@link io.multistack.api.process.ServerProcess#reconfigure}.
 *
 * <p>Version 2: instances are no longer declarative-services components with one factory
 * configuration each (version 1); adding a tenant no longer costs more with every tenant there.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package io.multistack.api.process;
