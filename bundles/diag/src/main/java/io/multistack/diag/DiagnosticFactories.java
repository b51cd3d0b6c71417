package io.multistack.diag;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import org.osgi.service.component.annotations.Component;

/** The three services this bundle provides, each a factory of its per-tenant instances. */
final class DiagnosticFactories {
    private DiagnosticFactories() {}

    /** {@code echo}: RFC 862 on TCP and UDP port 7. */
    @Component(service = ServerProcessFactory.class, property = "service=echo")
    public static final class EchoFactory implements ServerProcessFactory {
        @Override
        public ServerProcess start(ProcessContext context) throws InterruptedException {
            return new EchoProcess(context);
        }
    }

    /** {@code discard}: RFC 863 on TCP and UDP port 9. */
    @Component(service = ServerProcessFactory.class, property = "service=discard")
    public static final class DiscardFactory implements ServerProcessFactory {
        @Override
        public ServerProcess start(ProcessContext context) throws InterruptedException {
            return new DiscardProcess(context);
        }
    }

    /** {@code chargen}: RFC 864 on TCP port 19. */
    @Component(service = ServerProcessFactory.class, property = "service=chargen")
    public static final class ChargenFactory implements ServerProcessFactory {
        @Override
        public ServerProcess start(ProcessContext context) throws InterruptedException {
            return new ChargenProcess(context);
        }
    }
}
