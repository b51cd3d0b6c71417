/** Tenant stacks: one complete protocol stack per customer network. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.multistack.api.stack;
