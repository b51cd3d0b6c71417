package io.multistack.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TenantSelectionTest {

    private static Dictionary<String, Object> properties(String pid, Map<String, Object> values) {
        Hashtable<String, Object> properties = new Hashtable<>(values);
        properties.put("service.pid", pid);
        properties.put("felix.fileinstall.filename", "file:/home/etc/" + pid + ".cfg");
        return properties;
    }

    /** Two tenants with their settings and tunnels, plus what the appliance creates itself. */
    private static Map<String, Dictionary<String, Object>> appliance() {
        Map<String, Dictionary<String, Object>> all = new TreeMap<>();
        for (var entry : Map.<String, Map<String, Object>>of(
                "io.multistack.tenant~A", Map.of("vlan", "600", "address", "192.168.1.1/24", "services", "http, greeting"),
                "io.multistack.tenant~B", Map.of("vlan", "601", "address", "192.168.1.1/24", "services", "greeting"),
                "io.multistack.greeting~A", Map.of("text", "A's"),
                "io.multistack.greeting~B", Map.of("text", "B's"),
                "io.multistack.ftp~A", Map.of("port", "21"),
                "io.multistack.access.tunnel~siteA", Map.of("remote", "198.51.100.11", "vni", "100", "vlan", "600"),
                "io.multistack.access.tunnel~siteA2", Map.of("remote", "198.51.100.21", "vni", "100", "vlan", "600"),
                "io.multistack.access.tunnel~siteB", Map.of("remote", "198.51.100.12", "vni", "100", "vlan", "601"),
                "io.multistack.process.greeting~A", Map.of("tenant", "A", "service", "greeting"),
                "io.multistack.access.vxlan", Map.of("listen", "0.0.0.0:4789")).entrySet()) {
            all.put(entry.getKey(), properties(entry.getKey(), entry.getValue()));
        }
        return all;
    }

    @Test
    void aTenantIsItsConfigurationTheSettingsOfItsServicesAndTheTunnelsToItsVlan() {
        var selected = TenantSelection.select("A", appliance());

        assertThat(selected).containsOnlyKeys("io.multistack.tenant~A", "io.multistack.greeting~A",
                "io.multistack.access.tunnel~siteA", "io.multistack.access.tunnel~siteA2");
        assertThat(selected.keySet()).first().isEqualTo("io.multistack.tenant~A");
        assertThat(selected.get("io.multistack.tenant~A")).as("only what the operator wrote")
                .containsOnlyKeys("vlan", "address", "services");
    }

    @Test
    void aTenantOnAWholeLinkOrAnotherTrunkHasNoTunnelRowsHere() {
        var all = appliance();
        all.put("io.multistack.tenant~W", properties("io.multistack.tenant~W", Map.of("link", "w1", "address",
                "192.168.7.1/24")));
        all.put("io.multistack.tenant~T", properties("io.multistack.tenant~T", Map.of("vlan", "600", "trunk", "t1",
                "address", "192.168.7.1/24")));

        assertThat(TenantSelection.select("W", all)).containsOnlyKeys("io.multistack.tenant~W");
        assertThat(TenantSelection.select("T", all)).containsOnlyKeys("io.multistack.tenant~T");

        all.put("io.multistack.access.vxlan", properties("io.multistack.access.vxlan", Map.of("trunk", "t1")));
        assertThat(TenantSelection.select("T", all)).containsOnlyKeys("io.multistack.tenant~T",
                "io.multistack.access.tunnel~siteA", "io.multistack.access.tunnel~siteA2");
        assertThat(TenantSelection.select("A", all)).containsOnlyKeys("io.multistack.tenant~A",
                "io.multistack.greeting~A");
    }

    @Test
    void settingsOfAServiceTheTenantDoesNotListStayBehind() {
        assertThat(TenantSelection.select("A", appliance())).doesNotContainKey("io.multistack.ftp~A");
    }

    @Test
    void anUnknownTenantIsAnErrorNamingIt() {
        assertThatThrownBy(() -> TenantSelection.select("Z", appliance())).hasMessage("no tenant Z");
        assertThatThrownBy(() -> TenantSelection.select("../A", appliance())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void servicesAreReadAsTheFlowManagerReadsThem() {
        assertThat(TenantSelection.services("http, greeting,dns ")).containsExactly("http", "greeting", "dns");
        assertThat(TenantSelection.services(new String[] {"http", "dns"})).containsExactly("http", "dns");
        assertThat(TenantSelection.services(null)).isEmpty();
    }
}
