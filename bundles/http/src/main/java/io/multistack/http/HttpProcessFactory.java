package io.multistack.http;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import org.osgi.service.component.annotations.Component;

/** Provides the {@code http} service: one {@link HttpProcess} per tenant that lists it. */
@Component(service = ServerProcessFactory.class, property = "service=http")
public final class HttpProcessFactory implements ServerProcessFactory {
    @Override
    public ServerProcess start(ProcessContext context) throws Exception {
        return new HttpProcess(context);
    }
}
