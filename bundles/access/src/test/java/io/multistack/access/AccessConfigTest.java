package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parsing of tunnel rows ({@code io.multistack.access.tunnel~NAME}) and of the endpoint's
 * {@code listen} key. FileInstall gives Strings; ConfigurationAdmin users may give Integers.
 */
class AccessConfigTest {
    private static Map<String, Object> tunnel(Object remote, Object vni, Object vlan) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "io.multistack.access.tunnel~siteA");
        properties.put("felix.fileinstall.filename", "file:/opt/ms/etc/io.multistack.access.tunnel~siteA.cfg");
        if (remote != null) {
            properties.put("remote", remote);
        }
        if (vni != null) {
            properties.put("vni", vni);
        }
        if (vlan != null) {
            properties.put("vlan", vlan);
        }
        return properties;
    }

    @Test
    void aRowFromStrings() {
        Tunnel row = TunnelConfigComponent.parse(tunnel("198.51.100.11", "100", "600"));
        assertThat(row.name()).isEqualTo("siteA");
        assertThat(row.row().remote()).isEqualTo("198.51.100.11");
        assertThat(row.vni()).isEqualTo(100);
        assertThat(row.vlan()).isEqualTo(600);
        assertThat(row.remoteEndpoint()).isEqualTo(new InetSocketAddress("198.51.100.11", 4789));
    }

    @Test
    void aRowFromIntegers() {
        Tunnel row = TunnelConfigComponent.parse(tunnel(" 198.51.100.12 ", 16_777_215, 4094L));
        assertThat(row.vni()).isEqualTo(16_777_215);
        assertThat(row.vlan()).isEqualTo(4094);
        assertThat(row.row().remote()).isEqualTo("198.51.100.12");
    }

    @ParameterizedTest(name = "remote={0} vni={1} vlan={2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "198.51.100.11 | 100       | 5000 | key 'vlan'",
            "198.51.100.11 | 100       | 0    | key 'vlan'",
            "198.51.100.11 | 100       | 4095 | key 'vlan'",
            "198.51.100.11 | 100       | abc  | key 'vlan'",
            "198.51.100.11 | -1        | 600  | key 'vni'",
            "198.51.100.11 | 16777216  | 600  | key 'vni'",
            "198.51.100.11 | 1e3       | 600  | key 'vni'",
            "x             | 100       | 600  | key 'remote'",
            "198.51.100    | 100       | 600  | key 'remote'",
            "198.51.100.256| 100       | 600  | key 'remote'",
            "example.org   | 100       | 600  | key 'remote'"})
    void badValuesNameTheirKey(String remote, String vni, String vlan, String key) {
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel(remote, vni, vlan)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
    }

    @Test
    void integerValuesOutOfRangeNameTheirKey() {
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel("198.51.100.11", 100, 5000)))
                .hasMessageContaining("key 'vlan'").hasMessageContaining("5000");
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel("198.51.100.11", -1, 600)))
                .hasMessageContaining("key 'vni'").hasMessageContaining("-1");
    }

    @Test
    void missingKeysAreNamed() {
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel(null, "100", "600")))
                .hasMessageContaining("key 'remote' is missing");
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel("198.51.100.11", null, "600")))
                .hasMessageContaining("key 'vni' is missing");
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel("198.51.100.11", "100", " ")))
                .hasMessageContaining("key 'vlan' is missing");
    }

    @Test
    void aListWhereOneValueBelongsIsRefused() {
        assertThatThrownBy(() -> TunnelConfigComponent.parse(tunnel(new String[] {"198.51.100.11"}, "100", "600")))
                .hasMessageContaining("key 'remote'");
    }

    // ---- the endpoint's listen key ----

    @Test
    void listenDefaultsToAllAddressesPort4789() {
        assertThat(VxlanEndpointComponent.listenOf(Map.of())).isEqualTo("0.0.0.0:4789");
        assertThat(VxlanEndpointComponent.listenOf(Map.of("listen", "  "))).isEqualTo("0.0.0.0:4789");
        assertThat(VxlanEndpointComponent.listenOf(Map.of("listen", " 127.0.0.1:14789 "))).isEqualTo("127.0.0.1:14789");
    }

    @Test
    void validListenAddresses() {
        assertThat(VxlanEndpointComponent.parseListen("0.0.0.0:4789"))
                .isEqualTo(new InetSocketAddress("0.0.0.0", 4789));
        assertThat(VxlanEndpointComponent.parseListen("198.51.100.1:1")).isEqualTo(new InetSocketAddress("198.51.100.1", 1));
        assertThat(VxlanEndpointComponent.parseListen("127.0.0.1:65535").getPort()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4789", "0.0.0.0:", "0.0.0.0:x", "0.0.0.0:0", "0.0.0.0:65536", "0.0.0.0:-1",
            "localhost:4789", ":4789", "0.0.0:4789", "[::]:4789"})
    void badListenAddressesAreRefusedWithTheReason(String listen) {
        assertThatThrownBy(() -> VxlanEndpointComponent.parseListen(listen))
                .isInstanceOf(IllegalArgumentException.class).message().isNotBlank();
    }
}
