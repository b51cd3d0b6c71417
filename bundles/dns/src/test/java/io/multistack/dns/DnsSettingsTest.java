package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsSettingsTest {
    @Test
    void defaultsWhenTheSettingsFileSaysNothing() {
        assertThat(DnsSettings.from(Map.of("tenant", "A"))).isEqualTo(new DnsSettings(53, 100, 1232));
    }

    @Test
    void stringsAsFileInstallDeliversThemAndNumbers() {
        assertThat(DnsSettings.from(Map.of("port", " 5353", "rateLimit", 0, "maxUdpSize", "4096")))
                .isEqualTo(new DnsSettings(5353, 0, 4096));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> DnsSettings.from(Map.of("port", "domain"))).hasMessageContaining("'port'");
        assertThatThrownBy(() -> DnsSettings.from(Map.of("port", "0"))).hasMessageContaining("'port'");
        assertThatThrownBy(() -> DnsSettings.from(Map.of("rateLimit", "-1"))).hasMessageContaining("'rateLimit'");
        assertThatThrownBy(() -> DnsSettings.from(Map.of("maxUdpSize", "511"))).hasMessageContaining("'maxUdpSize'");
        assertThatThrownBy(() -> DnsSettings.from(Map.of("maxUdpSize", "4097"))).hasMessageContaining("'maxUdpSize'");
    }
}
