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

/** The `chargen` server process: RFC 864 character generator on TCP port 19, inside one tenant. */
@Component(configurationPid = "io.multistack.process.chargen", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = ServerProcess.class, property = "service=chargen")
public final class ChargenProcess extends DiagnosticProcess {
    @Activate
    public ChargenProcess(@Reference(name = "stack") TenantStack stack, Map<String, Object> configuration)
            throws InterruptedException {
        super(stack, configuration, "chargen");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        stream(transport, 19, Chargen::new);
    }

    @Deactivate
    void deactivate() {
        stopped();
    }
}
