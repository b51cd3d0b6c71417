package io.multistack.access;

import io.multistack.wire.Dot1q;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The access table. Rows change rarely (configuration) and are read per packet, so every
 * change builds new immutable maps and publishes them with one volatile write: the data path
 * never locks and never sees a half-made table. The per-packet lookups use primitive keys
 * (an open-addressing table of longs, an array indexed by VLAN ID), so they box nothing.
 */
@Component(service = TunnelTable.class)
public final class TunnelTable {
    private record Snapshot(Map<String, Tunnel> byName, TunnelsByKey byKey, List<Tunnel>[] byVlan) {}

    private volatile Snapshot snapshot = new Snapshot(Map.of(), TunnelsByKey.of(List.of()), byVlan(List.of()));

    /** Ingress lookup; null when no row names this (remote, VNI). */
    Tunnel lookup(int remote, int vni) {
        return snapshot.byKey.get(Tunnel.key(remote, vni));
    }

    /** Egress: the tunnels of a VLAN (usually one; several when a tenant has several sites). */
    List<Tunnel> forVlan(int vlan) {
        List<Tunnel>[] byVlan = snapshot.byVlan;
        return vlan >= 0 && vlan < byVlan.length ? byVlan[vlan] : List.of();
    }

    List<Tunnel> all() {
        List<Tunnel> rows = new ArrayList<>(snapshot.byName.values());
        rows.sort(Comparator.comparing(Tunnel::name));
        return rows;
    }

    /**
     * Adds or replaces the row of that name. An unchanged row keeps its counters.
     *
     * @throws IllegalArgumentException when another row already maps the same (remote, VNI)
     */
    synchronized void put(Tunnel tunnel) {
        Snapshot current = snapshot;
        Tunnel clash = current.byKey.get(tunnel.key());
        if (clash != null && !clash.name().equals(tunnel.name())) {
            throw new IllegalArgumentException("row '" + clash.name() + "' already maps remote "
                    + clash.row().remote() + " VNI " + clash.vni());
        }
        Tunnel previous = current.byName.get(tunnel.name());
        if (previous != null && previous.sameRow(tunnel)) {
            return;
        }
        Map<String, Tunnel> byName = new HashMap<>(current.byName);
        byName.put(tunnel.name(), tunnel);
        publish(byName);
    }

    synchronized void remove(String name) {
        if (!snapshot.byName.containsKey(name)) {
            return;
        }
        Map<String, Tunnel> byName = new HashMap<>(snapshot.byName);
        byName.remove(name);
        publish(byName);
    }

    private void publish(Map<String, Tunnel> byName) {
        snapshot = new Snapshot(Map.copyOf(byName), TunnelsByKey.of(byName.values()), byVlan(byName.values()));
    }

    @SuppressWarnings("unchecked")
    private static List<Tunnel>[] byVlan(Collection<Tunnel> tunnels) {
        List<Tunnel>[] byVlan = new List[Dot1q.VID_COUNT];
        Arrays.fill(byVlan, List.of());
        for (Tunnel tunnel : tunnels) {
            List<Tunnel> more = new ArrayList<>(byVlan[tunnel.vlan()]);
            more.add(tunnel);
            byVlan[tunnel.vlan()] = List.copyOf(more);
        }
        return byVlan;
    }
}
