package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.stack.TenantStack;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The registered {@link TenantStack} services, looked up by their {@code tenant} property. */
public final class TenantStacks {
    private final BundleContext context;

    public TenantStacks(BundleContext context) {
        this.context = context;
    }

    /** Every registered tenant stack's name, sorted. */
    public List<String> names() throws InvalidSyntaxException {
        TreeSet<String> names = new TreeSet<>();
        for (ServiceReference<TenantStack> reference : context.getServiceReferences(TenantStack.class, null)) {
            names.add(String.valueOf(reference.getProperty(TenantStack.TENANT)));
        }
        return List.copyOf(names);
    }

    public Collection<ServiceReference<TenantStack>> references(String tenant) throws InvalidSyntaxException {
        return context.getServiceReferences(TenantStack.class, "(" + TenantStack.TENANT + "=" + tenant + ")");
    }

    /** The one service of {@code tenant}; fails the test when there is none or more than one. */
    public ServiceReference<TenantStack> only(String tenant) throws InvalidSyntaxException {
        Collection<ServiceReference<TenantStack>> references = references(tenant);
        assertThat(references).as("TenantStack services with tenant=%s", tenant).hasSize(1);
        return references.iterator().next();
    }

    public TenantStack stack(String tenant) throws InvalidSyntaxException {
        TenantStack stack = context.getService(only(tenant));
        assertThat(stack).as("TenantStack of %s (unregistered meanwhile)", tenant).isNotNull();
        return stack;
    }

    /** Identifies one registration: a stack that is re-created gets a new id. */
    public long serviceId(String tenant) throws InvalidSyntaxException {
        return (Long) only(tenant).getProperty(Constants.SERVICE_ID);
    }

    /** The {@code vlan} service property of the tenant's stack, as registered. */
    public Object vlanProperty(String tenant) throws InvalidSyntaxException {
        return only(tenant).getProperty(TenantStack.VLAN);
    }
}
