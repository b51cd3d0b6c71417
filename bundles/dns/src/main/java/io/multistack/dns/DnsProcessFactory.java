package io.multistack.dns;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Provides the {@code dns} service: one {@link DnsProcess} per tenant that lists it, all watched by one {@link ZoneWatcher}. */
@Component(service = ServerProcessFactory.class, property = "service=dns")
public final class DnsProcessFactory implements ServerProcessFactory {
    private final ZoneWatcher zoneWatcher;

    @Activate
    public DnsProcessFactory(@Reference ZoneWatcher zoneWatcher) {
        this.zoneWatcher = zoneWatcher;
    }

    @Override
    public ServerProcess start(ProcessContext context) throws Exception {
        return new DnsProcess(context, zoneWatcher);
    }
}
