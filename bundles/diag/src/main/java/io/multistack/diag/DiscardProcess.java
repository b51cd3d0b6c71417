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

/** The `discard` server process: RFC 863 discard on TCP and UDP port 9, inside one tenant. */
@Component(configurationPid = "io.multistack.process.discard", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = ServerProcess.class, property = "service=discard")
public final class DiscardProcess extends DiagnosticProcess {
    @Activate
    public DiscardProcess(@Reference(name = "stack") TenantStack stack, Map<String, Object> configuration)
            throws InterruptedException {
        super(stack, configuration, "discard");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        Discard discard = new Discard();
        stream(transport, 9, () -> discard);
        datagrams(transport, 9, discard);
    }

    @Deactivate
    void deactivate() {
        stopped();
    }
}
