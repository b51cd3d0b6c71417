package io.multistack.diag;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.stack.TenantTransport;

/** The `discard` server process: RFC 863 discard on TCP and UDP port 9, inside one tenant. */
final class DiscardProcess extends DiagnosticProcess {
    DiscardProcess(ProcessContext context) throws InterruptedException {
        super(context, "discard");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        Discard discard = new Discard();
        stream(transport, 9, () -> discard);
        datagrams(transport, 9, discard);
    }
}
