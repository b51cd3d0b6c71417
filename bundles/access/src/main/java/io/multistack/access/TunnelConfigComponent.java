package io.multistack.access;

import io.multistack.wire.Dot1q;
import io.multistack.wire.Ipv4Address;
import io.multistack.wire.Vxlan;
import io.multistack.config.ConfigValues;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One access row per factory configuration {@code io.multistack.access.tunnel~NAME}
 * (keys {@code remote}, {@code vni}, {@code vlan}). A bad edit is logged and the previous
 * row stays in force.
 */
@Component(configurationPid = TunnelConfigComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {})
public final class TunnelConfigComponent {
    static final String PID = "io.multistack.access.tunnel";
    private static final Logger LOG = System.getLogger("io.multistack.access");

    private final TunnelTable table;
    private String name;

    @Activate
    public TunnelConfigComponent(@Reference TunnelTable table, Map<String, Object> properties) {
        this.table = table;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        if (name != null) {
            table.remove(name);
            LOG.log(Level.INFO, "Tunnel row {0} removed", name);
        }
    }

    private void apply(Map<String, Object> properties) {
        String source = ConfigValues.source(properties);
        Tunnel tunnel;
        try {
            tunnel = parse(properties);
            table.put(tunnel);
        } catch (IllegalArgumentException rejected) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}{2}", source, rejected.getMessage(),
                    name == null ? "" : "; the previous row stays in force");
            return;
        }
        name = tunnel.name();
        LOG.log(Level.INFO, "Tunnel row {0}: remote {1} VNI {2} -> VLAN {3}", name, tunnel.row().remote(),
                tunnel.vni(), tunnel.vlan());
    }

    static Tunnel parse(Map<String, ?> properties) {
        String name = ConfigValues.instanceName(properties);
        int remote;
        String remoteText = ConfigValues.requireString(properties, "remote");
        try {
            remote = Ipv4Address.parse(remoteText);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("key 'remote': " + bad.getMessage());
        }
        int vni = ConfigValues.requireInt(properties, "vni", 0, Vxlan.MAX_VNI);
        int vlan = ConfigValues.requireInt(properties, "vlan", Dot1q.MIN_VID, Dot1q.MAX_VID);
        return new Tunnel(name, remote, vni, vlan);
    }
}
