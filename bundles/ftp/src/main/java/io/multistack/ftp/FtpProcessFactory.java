package io.multistack.ftp;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code ftp} service: one {@link FtpProcess} per tenant that lists it. */
@Component(service = ServerProcessFactory.class, property = "service=ftp")
public final class FtpProcessFactory implements ServerProcessFactory {
    @Override
    public ServerProcess start(ProcessContext context) throws Exception {
        return new FtpProcess(context);
    }
}
