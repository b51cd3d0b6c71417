package io.multistack.access;

import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.multistack.api.link.LinkInUseException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Keeps the access server on its trunk link: the end of the in-memory trunk that the demux
 * offers ({@code link.side=access}), or a real link ({@code link.type} set) of that name.
 * The link may come later, go away and come back; while it is absent, or used by someone
 * else, the switch has no trunk and counts what it cannot forward.
 */
final class TrunkAttachment {
    static final String OWNER = "access server";
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final String linkName;
    private final TunnelSwitch tunnelSwitch;
    private final ServiceTracker<Link, Link> tracker;
    private Link attached;
    private volatile String state = "link absent";

    TrunkAttachment(BundleContext context, String linkName, TunnelSwitch tunnelSwitch) {
        this.linkName = linkName;
        this.tunnelSwitch = tunnelSwitch;
        this.tracker = new ServiceTracker<>(context, filter(linkName), null) {
            @Override
            public Link addingService(ServiceReference<Link> reference) {
                Link link = context.getService(reference);
                attach(link);
                return link;
            }

            @Override
            public void removedService(ServiceReference<Link> reference, Link link) {
                detach(link);
                context.ungetService(reference);
            }
        };
    }

    private static org.osgi.framework.Filter filter(String linkName) {
        try {
            return FrameworkUtil.createFilter("(&(objectClass=" + Link.class.getName() + ")(" + Link.NAME + "="
                    + linkName + ")(|(link.side=access)(" + Link.TYPE + "=*)))");
        } catch (InvalidSyntaxException impossible) {
            // link names are checked to be letters, digits, '.', '_' and '-' before they get here
            throw new IllegalArgumentException("link name '" + linkName + "': " + impossible.getMessage());
        }
    }

    void open() {
        tracker.open();
    }

    void close() {
        tracker.close();
        synchronized (this) {
            if (attached != null) {
                detach(attached);
            }
        }
    }

    String linkName() {
        return linkName;
    }

    String state() {
        Link link;
        synchronized (this) {
            link = attached;
        }
        if (link == null) {
            return state;
        }
        String linkState = link.state();
        return "up".equals(linkState) ? "up" : "link " + linkState;
    }

    private synchronized void attach(Link link) {
        if (attached != null) {
            LOG.log(Level.WARNING, "Two links are named {0}; the access server keeps the first", linkName);
            return;
        }
        FrameReceiver receiver = tunnelSwitch;
        try {
            link.claim(OWNER, receiver);
        } catch (LinkInUseException taken) {
            state = "link used by " + taken.holder();
            LOG.log(Level.ERROR, "The access server cannot use trunk {0}: {1}; tunnels carry nothing until it is free",
                    linkName, taken.getMessage());
            return;
        }
        attached = link;
        tunnelSwitch.trunk(link);
        LOG.log(Level.INFO, "Access server on trunk {0}", linkName);
    }

    private synchronized void detach(Link link) {
        if (attached != link) {
            return;
        }
        tunnelSwitch.trunk(null);
        link.release(OWNER);
        attached = null;
        state = "link absent";
        LOG.log(Level.WARNING, "Trunk {0} of the access server is gone; tunnels carry nothing until it is back",
                linkName);
    }
}
