package io.multistack.diag;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.stack.TenantTransport;

/** The `chargen` server process: RFC 864 character generator on TCP port 19, inside one tenant. */
final class ChargenProcess extends DiagnosticProcess {
    ChargenProcess(ProcessContext context) throws InterruptedException {
        super(context, "chargen");
    }

    @Override
    void bind(TenantTransport transport) throws InterruptedException {
        stream(transport, 19, Chargen::new);
    }
}
