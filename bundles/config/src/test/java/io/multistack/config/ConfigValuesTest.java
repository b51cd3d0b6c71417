package io.multistack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigValuesTest {
    @Test
    void sourceNamesTheEtcFileOrThePid() {
        assertThat(ConfigValues.source(Map.of("felix.fileinstall.filename", "file:/home/x/etc/io.multistack.tenant~A.cfg")))
                .isEqualTo("etc/io.multistack.tenant~A.cfg");
        assertThat(ConfigValues.source(Map.of("service.pid", "io.multistack.tenant~A")))
                .isEqualTo("configuration io.multistack.tenant~A");
    }

    @Test
    void instanceNameIsWhatFollowsTheTilde() {
        assertThat(ConfigValues.instanceName(Map.of("service.pid", "io.multistack.tenant~A-1"))).isEqualTo("A-1");
    }

    @Test
    void requiredIntegersNameTheKeyWhenMissingMalformedOrOutOfRange() {
        assertThat(ConfigValues.requireInt(Map.of("vlan", " 600 "), "vlan", 1, 4094)).isEqualTo(600);
        assertThat(ConfigValues.requireInt(Map.of("vlan", 600), "vlan", 1, 4094)).isEqualTo(600);
        assertThatThrownBy(() -> ConfigValues.requireInt(Map.of(), "vlan", 1, 4094)).hasMessage("key 'vlan' is missing");
        assertThatThrownBy(() -> ConfigValues.requireInt(Map.of("vlan", "six"), "vlan", 1, 4094))
                .hasMessageContaining("key 'vlan'").hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> ConfigValues.requireInt(Map.of("vlan", "5000"), "vlan", 1, 4094))
                .hasMessage("key 'vlan': 5000 is outside 1..4094");
    }

    @Test
    void optionalNumbersTakeTheirFallbackAndAcceptTextOrNumbers() {
        assertThat(ConfigValues.intOr(Map.of(), "port", 80)).isEqualTo(80);
        assertThat(ConfigValues.intOr(Map.of("port", "8080"), "port", 80)).isEqualTo(8080);
        assertThat(ConfigValues.longOr(Map.of("max", 5_000_000_000L), "max", 1)).isEqualTo(5_000_000_000L);
        assertThatThrownBy(() -> ConfigValues.intOr(Map.of("port", "80x"), "port", 80))
                .hasMessage("key 'port': '80x' is not a whole number");
        assertThatThrownBy(() -> ConfigValues.intOr(Map.of("port", "5000000000"), "port", 80))
                .hasMessageContaining("too large");
    }

    @Test
    void flagsAcceptTheUsualSpellings() {
        assertThat(ConfigValues.flagOr(Map.of(), "listing", false)).isFalse();
        assertThat(ConfigValues.flagOr(Map.of("listing", "Yes"), "listing", false)).isTrue();
        assertThat(ConfigValues.flagOr(Map.of("listing", "off"), "listing", true)).isFalse();
        assertThatThrownBy(() -> ConfigValues.flagOr(Map.of("listing", "maybe"), "listing", false))
                .hasMessage("key 'listing': 'maybe' is not true or false");
    }

    @Test
    void listsComeFromCommaTextArraysOrCollections() {
        assertThat(ConfigValues.stringList(Map.of("services", " echo, http ,,dns"), "services"))
                .containsExactly("echo", "http", "dns");
        assertThat(ConfigValues.stringList(Map.of("services", new String[] {"echo"}), "services")).containsExactly("echo");
        assertThat(ConfigValues.stringList(Map.of("services", List.of("a", "b")), "services")).containsExactly("a", "b");
        assertThat(ConfigValues.stringList(Map.of(), "services")).isEmpty();
    }

    @Test
    void unknownKeysLeaveOutWhatTheFrameworkAndFileInstallSet() {
        Map<String, Object> properties = Map.of("vlan", "1", "adress", "x", "service.pid", "p",
                "felix.fileinstall.filename", "f", "osgi.ds.satisfying.condition.target", "t", "component.id", 1);
        assertThat(ConfigValues.unknownKeys(properties, Set.of("vlan", "address"))).containsExactly("adress");
    }
}
