package io.multistack.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkConfigTest {
    private static Map<String, Object> config(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "io.multistack.link~trunk0");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void tapWithDefaultMtu() {
        assertThat(LinkConfig.parse(config("type", "tap", "interface", "mst0")))
                .isEqualTo(new LinkConfig("trunk0", LinkType.TAP, "mst0", 1500));
    }

    @Test
    void packetTakesTheInterfacesMtuUnlessGiven() {
        assertThat(LinkConfig.parse(config("type", "PACKET", "interface", "eth1")).mtu()).isZero();
        assertThat(LinkConfig.parse(config("type", "packet", "interface", "eth1", "mtu", "9000")).mtu()).isEqualTo(9000);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> LinkConfig.parse(config("type", "tun", "interface", "x"))).hasMessageContaining("'type'");
        assertThatThrownBy(() -> LinkConfig.parse(config("type", "tap"))).hasMessageContaining("'interface'");
        assertThatThrownBy(() -> LinkConfig.parse(config("type", "tap", "interface", "much-too-long-name")))
                .hasMessageContaining("'interface'");
        assertThatThrownBy(() -> LinkConfig.parse(config("type", "tap", "interface", "t0", "mtu", "20")))
                .hasMessageContaining("'mtu'");
    }

    @Test
    void unnamedConfigurationIsRejected() {
        Map<String, Object> properties = config("type", "tap", "interface", "t0");
        properties.put("service.pid", "io.multistack.link");
        assertThatThrownBy(() -> LinkConfig.parse(properties)).hasMessageContaining("~NAME");
    }
}
