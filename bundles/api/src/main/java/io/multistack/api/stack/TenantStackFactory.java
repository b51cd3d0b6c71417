package io.multistack.api.stack;

import org.osgi.annotation.versioning.ProviderType;

/** Creates tenant stacks; the stack bundle provides it. */
@ProviderType
public interface TenantStackFactory {
    /** A new stack, not yet up: frames it receives are dropped until {@link TenantStack#up}. */
    TenantStack create(TenantSettings settings);
}
