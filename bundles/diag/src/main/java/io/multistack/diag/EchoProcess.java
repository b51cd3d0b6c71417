package io.multistack.diag;

import io.multistack.api.process.ServerProcess;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.stack.TenantTransport;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** The `echo` server process: RFC 862 echo on TCP and UDP port 7, inside one tenant. */
@Component(configurationPid = "io.multistack.process.echo", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = ServerProcess.class, property = "service=echo")
public final class EchoProcess extends DiagnosticProcess {
    @Activate
    public EchoProcess(@Reference(name = "stack") TenantStack stack, Map<String, Object> configuration)
            throws InterruptedException {
        super(stack, configuration, "echo");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        stream(transport, 7, Echo.Stream::new);
        datagrams(transport, 7, new Echo.Datagrams());
    }

    @Deactivate
    void deactivate() {
        stopped();
    }
}
