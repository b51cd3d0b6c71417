package io.multistack.demux;

import io.multistack.api.flow.LowerMapping;
import io.multistack.api.link.Link;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Runs the shared VLAN demux on the in-memory trunk and offers the trunk's other end to the
 * access server as a {@link Link} named {@code memory} with {@code link.side=access}.
 */
@Component(immediate = true, service = {})
public final class DemuxComponent {
    /** Service property telling the two ends of a trunk apart. */
    public static final String SIDE = "link.side";

    private final MemoryTrunk trunk = new MemoryTrunk();
    private final VlanDemux demux = new VlanDemux(trunk.serverSide());
    private ServiceRegistration<Link> accessEnd;
    private ServiceRegistration<LowerMapping> mapping;

    @Activate
    void activate(BundleContext context) {
        trunk.serverSide().receiver(demux);
        Dictionary<String, Object> linkProperties = new Hashtable<>();
        linkProperties.put(Link.NAME, MemoryTrunk.NAME);
        linkProperties.put(SIDE, "access");
        accessEnd = context.registerService(Link.class, trunk.accessSide(), linkProperties);
        Dictionary<String, Object> mappingProperties = new Hashtable<>();
        mappingProperties.put("trunk", MemoryTrunk.NAME);
        mapping = context.registerService(LowerMapping.class, demux, mappingProperties);
    }

    @Deactivate
    void deactivate() {
        mapping.unregister();
        accessEnd.unregister();
        trunk.serverSide().receiver(null);
    }
}
