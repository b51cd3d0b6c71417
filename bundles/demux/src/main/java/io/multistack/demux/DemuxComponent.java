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
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Publishes the lower mapping over every link: the in-memory trunk, whose other end it
 * offers to the access server as a {@link Link} named {@code memory} with
 * {@code link.side=access}, and each real link ({@code link.type} set) as it comes and goes.
 */
@Component(immediate = true, service = {})
public final class DemuxComponent {
    /** Service property telling the two ends of a trunk apart. */
    public static final String SIDE = "link.side";

    private final MemoryTrunk trunk = new MemoryTrunk();
    private final LowerMappingTable table = new LowerMappingTable();
    private ServiceRegistration<Link> accessEnd;
    private ServiceRegistration<LowerMapping> mapping;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + Link.TYPE + "=*)")
    void addLink(Link link) {
        table.linkAdded(link);
    }

    void removeLink(Link link) {
        table.linkRemoved(link);
    }

    @Activate
    void activate(BundleContext context) {
        table.linkAdded(trunk.serverSide());
        Dictionary<String, Object> linkProperties = new Hashtable<>();
        linkProperties.put(Link.NAME, MemoryTrunk.NAME);
        linkProperties.put(SIDE, "access");
        accessEnd = context.registerService(Link.class, trunk.accessSide(), linkProperties);
        mapping = context.registerService(LowerMapping.class, table, new Hashtable<>());
    }

    @Deactivate
    void deactivate() {
        mapping.unregister();
        accessEnd.unregister();
        table.linkRemoved(trunk.serverSide());
    }
}
