package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.process.ServerProcess;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The running server-process instances: {@link ServerProcess} services, by their tenant and service properties. */
public final class RunningProcesses {
    private final BundleContext context;

    public RunningProcesses(BundleContext context) {
        this.context = context;
    }

    public Collection<ServiceReference<ServerProcess>> references(String tenant, String service)
            throws InvalidSyntaxException {
        return context.getServiceReferences(ServerProcess.class, "(&(tenant=" + tenant + ")(service=" + service + "))");
    }

    /** The tenants where {@code service} runs, sorted. */
    public List<String> tenantsRunning(String service) throws InvalidSyntaxException {
        return context.getServiceReferences(ServerProcess.class, "(service=" + service + ")").stream()
                .map(reference -> String.valueOf(reference.getProperty("tenant"))).sorted().toList();
    }

    /** The service id of the one instance of {@code service} for {@code tenant}: a restarted instance gets a new one. */
    public long id(String tenant, String service) throws InvalidSyntaxException {
        Collection<ServiceReference<ServerProcess>> found = references(tenant, service);
        assertThat(found).as("ServerProcess services with tenant=%s, service=%s", tenant, service).hasSize(1);
        return (Long) found.iterator().next().getProperty(Constants.SERVICE_ID);
    }

    public ServerProcess get(String tenant, String service) throws InvalidSyntaxException {
        Collection<ServiceReference<ServerProcess>> found = references(tenant, service);
        assertThat(found).as("ServerProcess services with tenant=%s, service=%s", tenant, service).hasSize(1);
        ServerProcess process = context.getService(found.iterator().next());
        assertThat(process).as("ServerProcess %s of %s (unregistered meanwhile)", service, tenant).isNotNull();
        return process;
    }
}
