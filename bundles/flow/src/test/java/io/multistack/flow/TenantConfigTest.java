package io.multistack.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tenant configuration ({@code etc/io.multistack.tenant~NAME.cfg}) to settings. FileInstall
 * hands over Strings; configurations made through ConfigurationAdmin may carry Integers.
 */
class TenantConfigTest {
    /** A valid configuration of tenant A as FileInstall gives it; tests change one key. */
    private static Map<String, Object> fileInstall() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "io.multistack.tenant~A");
        properties.put("service.factoryPid", "io.multistack.tenant");
        properties.put("felix.fileinstall.filename", "file:/opt/multistack/etc/io.multistack.tenant~A.cfg");
        properties.put("vlan", "600");
        properties.put("address", "192.168.1.1/24");
        return properties;
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> properties = fileInstall();
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return properties;
    }

    private static TenantSettings parse(Map<String, Object> properties) {
        return TenantConfig.parse(properties).settings();
    }

    private static void assertRejected(Map<String, Object> properties, String... messageParts) {
        assertThatThrownBy(() -> parse(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .message().contains(messageParts);
    }

    @Nested
    class Valid {
        @Test
        void theDefaults() throws Exception {
            TenantSettings settings = parse(fileInstall());

            assertThat(settings.name()).isEqualTo("A");
            assertThat(settings.vlan()).isEqualTo(600);
            assertThat(settings.address()).isEqualTo(InetAddress.getByName("192.168.1.1"));
            assertThat(settings.prefixLength()).isEqualTo(24);
            assertThat(settings.gateway()).isEmpty();
            assertThat(settings.mac()).hasToString("02:6d:73:00:02:58");
            assertThat(settings.services()).isEmpty();
        }

        @Test
        void macDerivedFromEachVlanIsStableAndUnicast() {
            assertThat(parse(with("vlan", "601")).mac()).hasToString("02:6d:73:00:02:59");
            assertThat(parse(with("vlan", "1")).mac()).hasToString("02:6d:73:00:00:01");
            MacAddress high = parse(with("vlan", "4094")).mac();
            assertThat(high).hasToString("02:6d:73:00:0f:fe");
            assertThat(high.isMulticast()).isFalse();
        }

        @Test
        void everyKeyGiven() throws Exception {
            Map<String, Object> properties = fileInstall();
            properties.put("gateway", "192.168.1.254");
            properties.put("mac", "52:54:00:AB:cd:01");
            properties.put("services", "http, ftp ,dns");

            TenantSettings settings = parse(properties);
            assertThat(settings.gateway()).contains((java.net.Inet4Address) InetAddress.getByName("192.168.1.254"));
            assertThat(settings.mac()).isEqualTo(MacAddress.parse("52:54:00:ab:cd:01"));
            assertThat(settings.services()).containsExactly("http", "ftp", "dns");
        }

        @Test
        void integersFromConfigurationAdmin() {
            TenantSettings settings = parse(with("vlan", 600));
            assertThat(settings.vlan()).isEqualTo(600);
            assertThat(parse(with("vlan", 4094L)).vlan()).isEqualTo(4094);
        }

        @Test
        void servicesAsArrayOrCollection() {
            assertThat(parse(with("services", new String[] {"http", "dns"})).services())
                    .containsExactly("http", "dns");
            assertThat(parse(with("services", List.of("ftp"))).services()).containsExactly("ftp");
            assertThat(parse(with("services", "")).services()).isEmpty();
        }

        @Test
        void blankOptionalKeysMeanAbsent() {
            Map<String, Object> properties = fileInstall();
            properties.put("gateway", " ");
            properties.put("mac", "");
            TenantSettings settings = parse(properties);
            assertThat(settings.gateway()).isEqualTo(Optional.empty());
            assertThat(settings.mac()).isEqualTo(MacAddress.forVlan(600));
        }

        @Test
        void whitespaceAroundValuesIsTrimmed() {
            TenantSettings settings = parse(with("vlan", " 602 "));
            assertThat(settings.vlan()).isEqualTo(602);
            assertThat(parse(with("address", " 10.0.0.5/8 ")).cidr()).isEqualTo("10.0.0.5/8");
        }

        @ParameterizedTest
        @ValueSource(strings = {"10.1.2.3/31", "10.1.2.2/31", "10.1.2.3/32", "172.16.0.1/12", "192.168.1.254/24"})
        void hostAddressesOfAnyPrefix(String cidr) {
            assertThat(parse(with("address", cidr)).cidr()).isEqualTo(cidr);
        }

        @ParameterizedTest
        @ValueSource(strings = {"A", "tenant-b", "C.2", "x_y", "0abc"})
        void tenantNames(String name) {
            assertThat(parse(with("service.pid", "io.multistack.tenant~" + name)).name()).isEqualTo(name);
        }
    }

    @Nested
    class Rejected {
        @ParameterizedTest
        @ValueSource(strings = {"0", "4095", "5000", "-1", "abc", "600.0", "0x258"})
        void vlan(String vlan) {
            assertRejected(with("vlan", vlan), "key 'vlan'");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 4095, 5000, -600})
        void vlanAsInteger(int vlan) {
            assertRejected(with("vlan", vlan), "key 'vlan'", String.valueOf(vlan));
        }

        @Test
        void missingKeys() {
            assertRejected(with("vlan", null), "key 'vlan' is missing");
            assertRejected(with("address", null), "key 'address' is missing");
            assertRejected(with("address", "  "), "key 'address' is missing");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "192.168.1.1        | not CIDR",
                "garbage            | not CIDR",
                "192.168.1.1/0      | prefix length 0",
                "192.168.1.1/33     | prefix length 33",
                "192.168.1.1/       | prefix",
                "192.168.1.1/x      | prefix",
                "/24                | ''",
                "192.168.1/24       | '192.168.1'",
                "192.168.1.300/24   | '192.168.1.300'",
                "192.168.1.0/24     | network or broadcast",
                "192.168.1.255/24   | network or broadcast",
                "10.0.0.0/8         | network or broadcast",
                "0.0.0.0/24         | not a unicast host",
                "127.0.0.1/8        | not a unicast host",
                "224.0.0.1/24       | not a unicast host",
                "255.255.255.255/32 | not a unicast host"})
        void address(String cidr, String why) {
            assertRejected(with("address", cidr), "key 'address'", why);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"192.168.2.1", "10.0.0.1", "192.168.1.1", "192.168.1", "gw.example.org"})
        void gatewayOutsideThePrefixEqualToTheAddressOrNotAnAddress(String gateway) {
            assertRejected(with("gateway", gateway), "key 'gateway'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"zz:00:00:00:00:01", "02:00:00:00:01", "02:00:00:00:00:01:02", "0200.0000.0001",
                "01:00:5e:00:00:01", "03:00:00:00:00:01", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "2:0:0:0:0:1"})
        void mac(String mac) {
            assertRejected(with("mac", mac), "key 'mac'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"http,Web", "http, -ftp", "a b", "http,dns!", "ß"})
        void serviceNames(String services) {
            assertRejected(with("services", services), "key 'services'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"io.multistack.tenant~bad name", "io.multistack.tenant~", "io.multistack.tenant~-A",
                "io.multistack.tenant~a/b", "io.multistack.tenant~a~b", "io.multistack.tenant~é"})
        void tenantNames(String pid) {
            assertRejected(with("service.pid", pid), "tenant name");
        }

        @Test
        void tooLongTenantName() {
            assertRejected(with("service.pid", "io.multistack.tenant~" + "a".repeat(65)), "tenant name");
        }

        @Test
        void aListWhereOneValueBelongs() {
            assertRejected(with("vlan", new String[] {"600"}), "key 'vlan'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"192.168.1.255", "192.168.1.0"})
        void gatewayOnTheNetworkOrBroadcastAddress(String gateway) {
            assertRejected(with("gateway", gateway), "key 'gateway'");
        }

        @Test
        void macWithATrailingSeparator() {
            assertRejected(with("mac", "02:00:00:00:00:01:"), "key 'mac'");
        }
    }

    @Nested
    class LowerEnd {
        @Test
        void withoutTrunkTheVlanIsOnTheMemoryTrunk() {
            TenantConfig.Flow flow = TenantConfig.parse(fileInstall());
            assertThat(flow.link()).isEqualTo("memory");
            assertThat(flow.vlan()).isEqualTo(600);
            assertThat(flow.lowerEnd()).isEqualTo("VLAN 600 of trunk memory");
        }

        @Test
        void aTrunkNamesTheLinkOfTheVlan() {
            TenantConfig.Flow flow = TenantConfig.parse(with("trunk", "t1"));
            assertThat(flow.link()).isEqualTo("t1");
            assertThat(flow.vlan()).isEqualTo(600);
        }

        @Test
        void aWholeLinkHasNoVlanAndItsOwnMac() {
            Map<String, Object> properties = with("vlan", null);
            properties.put("link", "w1");
            TenantConfig.Flow flow = TenantConfig.parse(properties);
            assertThat(flow.wholeLink()).isTrue();
            assertThat(flow.link()).isEqualTo("w1");
            assertThat(flow.settings().vlan()).isZero();
            assertThat(flow.settings().mac()).isEqualTo(TenantConfig.wholeLinkMac("A"));
            assertThat(flow.settings().mac().toString()).startsWith("02:6d:77:");
            assertThat(flow.lowerEnd()).isEqualTo("whole link w1");
        }

        @Test
        void aWholeLinkWithAVlanOrTrunkIsRejected() {
            assertRejected(with("link", "w1"), "key 'link'", "either");
            Map<String, Object> withTrunk = with("vlan", null);
            withTrunk.put("link", "w1");
            withTrunk.put("trunk", "t1");
            assertRejected(withTrunk, "key 'link'");
        }

        @Test
        void neitherVlanNorLinkIsRejected() {
            assertRejected(with("vlan", null), "key 'vlan'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"bad name", "-x", "a/b"})
        void badLinkNames(String name) {
            assertRejected(with("trunk", name), "key 'trunk'");
            Map<String, Object> whole = with("vlan", null);
            whole.put("link", name);
            assertRejected(whole, "key 'link'");
        }
    }
}
