package io.multistack.shell;

import io.multistack.api.flow.AccessTable;
import io.multistack.api.flow.LowerMapping;
import io.multistack.api.flow.TrunkRow;
import io.multistack.api.flow.TunnelRow;
import io.multistack.api.flow.VlanRow;
import io.multistack.api.stack.TenantStack;
import io.multistack.api.process.ServerProcess;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code flow:table}: the patent's mapping tables with their counters. */
@Component(service = FlowCommands.class, property = {"osgi.command.scope=flow", "osgi.command.function=table"})
public final class FlowCommands {
    private final Tenants tenants;
    private final LowerMapping lowerMapping;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessTable accessTable;

    private final List<ServerProcess> processes = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProcess(ServerProcess process) {
        processes.add(process);
    }

    void removeProcess(ServerProcess process) {
        processes.remove(process);
    }

    @Activate
    public FlowCommands(@Reference Tenants tenants, @Reference LowerMapping lowerMapping) {
        this.tenants = tenants;
        this.lowerMapping = lowerMapping;
    }

    @Descriptor("shows the upper mapping [stack <=> services], the lower mapping [(stack, device) <=> VLAN] and the "
            + "access rows [(remote, VNI) <=> VLAN] with counters")
    public String table() {
        Map<String, TenantStack> stacks = tenants.sorted().stream()
                .collect(Collectors.toMap(TenantStack::name, Function.identity()));
        StringBuilder out = new StringBuilder("Upper mapping [stack <=> services]\n");
        Table upper = new Table("STACK", "SERVICE", "STATE", "DETAILS");
        for (TenantStack stack : stacks.values().stream().sorted(Comparator.comparing(TenantStack::name)).toList()) {
            for (String service : stack.settings().services()) {
                ServerProcess running = processes.stream()
                        .filter(p -> p.tenant().equals(stack.name()) && p.service().equals(service)).findFirst()
                        .orElse(null);
                upper.row(stack.name(), service, running == null ? "waiting" : "running",
                        running == null ? "no bundle provides '" + service + "' (or it failed: see the log)"
                                : running.status());
            }
        }
        out.append(upper).append('\n');
        out.append("Lower mapping [(stack, device) <=> (link, VLAN)]\n");
        Table lower = new Table("STACK", "DEVICE", "LINK", "VLAN", "STATE", "ADDRESS", "FRAMES-IN", "BYTES-IN",
                "FRAMES-OUT", "BYTES-OUT", "DROPS");
        for (VlanRow row : lowerMapping.rows()) {
            TenantStack stack = stacks.get(row.tenant());
            boolean whole = row.vlan() == LowerMapping.WHOLE_LINK;
            lower.row(row.tenant(), whole ? row.link() : "vlan" + row.vlan() + "@" + row.link(), row.link(),
                    whole ? "-" : row.vlan(), row.state(), stack == null ? "-" : stack.settings().cidr(),
                    row.framesIn(), row.bytesIn(), row.framesOut(), row.bytesOut(), row.drops());
        }
        out.append(lower).append('\n');
        out.append("Trunks\n");
        Table trunks = new Table("LINK", "STATE", "VLANS", "UNKNOWN-VLAN", "UNTAGGED", "MALFORMED");
        for (TrunkRow trunk : lowerMapping.trunks()) {
            trunks.row(trunk.link(), trunk.state(), trunk.vlans(), trunk.unknownVlan(), trunk.untagged(),
                    trunk.malformed());
        }
        out.append(trunks).append('\n');
        AccessTable access = accessTable;
        if (access == null) {
            return out.append("Access table: no access server in this appliance\n").toString();
        }
        out.append("Access table [(remote, VNI) <=> VLAN], VXLAN on ").append(access.listenAddress())
                .append(", trunk ").append(access.trunk()).append(" (").append(access.trunkState()).append(")\n");
        Table rows = new Table("TUNNEL", "REMOTE", "VNI", "VLAN", "TENANT", "PACKETS-IN", "BYTES-IN", "PACKETS-OUT",
                "BYTES-OUT", "DROPS");
        List<VlanRow> vlans = lowerMapping.rows();
        for (TunnelRow row : access.tunnels()) {
            String tenant = vlans.stream().filter(v -> v.vlan() == row.vlan() && v.link().equals(access.trunk()))
                    .map(VlanRow::tenant).findFirst().orElse("-");
            rows.row(row.name(), row.remote(), row.vni(), row.vlan(), tenant, row.packetsIn(), row.bytesIn(),
                    row.packetsOut(), row.bytesOut(), row.drops());
        }
        out.append(rows);
        out.append("Tunnel drops: unknown-tunnel ").append(access.unknownTunnelDrops()).append(", malformed ")
                .append(access.malformedDrops()).append(", no-trunk ").append(access.noTrunkDrops()).append('\n');
        return out.toString();
    }
}
