/**
 * The event loops of the data path: shared by the VXLAN endpoint and the tenant stacks, so
 * that a frame can be read, handled and answered on one thread.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.multistack.api.loop;
