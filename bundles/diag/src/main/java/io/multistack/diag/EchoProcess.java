package io.multistack.diag;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.stack.TenantTransport;

/** The `echo` server process: RFC 862 echo on TCP and UDP port 7, inside one tenant. */
final class EchoProcess extends DiagnosticProcess {
    EchoProcess(ProcessContext context) throws InterruptedException {
        super(context, "echo");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        stream(transport, 7, Echo.Stream::new);
        datagrams(transport, 7, new Echo.Datagrams());
    }
}
