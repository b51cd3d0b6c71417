package io.multistack.tenants;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which configurations make up a tenant, for {@code tenant:export}: its tenant configuration
 * {@code io.multistack.tenant~NAME}, the settings {@code io.multistack.SERVICE~NAME} of each
 * service it lists, and the tunnel rows {@code io.multistack.access.tunnel~*} whose VLAN is the
 * tenant's — when the tenant's VLAN is on the trunk of this appliance's access server (a tenant
 * on a whole link, or on another trunk, has no tunnel rows here). Keys added by the appliance
 * (PIDs, file names, bundle locations) are left out.
 */
final class TenantSelection {
    /** Set by Configuration Admin or FileInstall, never by the operator. */
    private static final Set<String> MANAGED_KEYS = Set.of("service.pid", "service.factoryPid",
            "service.bundleLocation", ConfigurationStore.FILE_KEY);

    private static final String ACCESS_PID = "io.multistack.access.vxlan";
    private static final String MEMORY_TRUNK = "memory";

    private TenantSelection() {}

    /** PID to properties, tenant first, then settings, then tunnel rows (sorted); fails when there is no tenant NAME. */
    static Map<String, Map<String, Object>> select(String tenant, Map<String, Dictionary<String, Object>> all) {
        String tenantPid = TenantBundles.TENANT_PID + "~" + TenantBundles.requireName(tenant);
        Dictionary<String, Object> settings = all.get(tenantPid);
        if (settings == null) {
            throw new IllegalArgumentException("no tenant " + tenant);
        }
        Map<String, Map<String, Object>> selected = new LinkedHashMap<>();
        selected.put(tenantPid, operatorKeys(settings));
        for (String service : services(settings.get("services"))) {
            String pid = TenantBundles.SETTINGS_PID_PREFIX + service + "~" + tenant;
            if (all.containsKey(pid)) {
                selected.put(pid, operatorKeys(all.get(pid)));
            }
        }
        if (settings.get("vlan") == null || !trunkOf(settings).equals(trunkOf(all.get(ACCESS_PID)))) {
            return selected;
        }
        String vlan = String.valueOf(settings.get("vlan")).strip();
        all.forEach((pid, properties) -> {
            if (pid.startsWith(TenantBundles.TUNNEL_PID + "~")
                    && vlan.equals(String.valueOf(properties.get("vlan")).strip())) {
                selected.put(pid, operatorKeys(properties));
            }
        });
        return selected;
    }

    /** The trunk a tenant's VLAN, or the access server's tunnels, are on: {@code memory} unless the file says. */
    private static String trunkOf(Dictionary<String, Object> properties) {
        Object trunk = properties == null ? null : properties.get("trunk");
        return trunk == null || String.valueOf(trunk).isBlank() ? MEMORY_TRUNK : String.valueOf(trunk).strip();
    }

    /** The {@code services} key as the flow manager reads it: a list, or one string separated by commas. */
    static List<String> services(Object value) {
        Collection<?> items = value instanceof Collection<?> collection ? collection
                : value instanceof Object[] array ? Arrays.asList(array)
                : value == null ? List.of() : List.of(value);
        return items.stream().flatMap(item -> Arrays.stream(String.valueOf(item).split(",")))
                .map(String::strip).filter(name -> !name.isEmpty()).distinct().toList();
    }

    private static Map<String, Object> operatorKeys(Dictionary<String, Object> properties) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String key : Collections.list(properties.keys()).stream().sorted().toList()) {
            if (!MANAGED_KEYS.contains(key)) {
                kept.put(key, properties.get(key));
            }
        }
        return kept;
    }
}
