package io.multistack.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationResourcesTest {

    private static Map<String, java.util.Hashtable<String, Object>> read(String json) throws Exception {
        return ConfigurationResources.read("test.json", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsATenantBundlesResourceAsTheConfiguratorDoes() throws Exception {
        var configurations = read("""
                {
                  ":configurator:resource-version": 1,
                  // comments are allowed, as in the Configurator
                  "io.multistack.tenant~D": { "vlan": "640", "address": "192.168.1.1/24", "services": "greeting" },
                  "io.multistack.greeting~D": { "text": "from a bundle", ":configurator:policy": "force" },
                  "io.multistack.access.tunnel~siteD": { "remote": "198.51.100.14", "vni": 104, "vlan": "640" }
                }
                """);

        assertThat(configurations).containsOnlyKeys("io.multistack.tenant~D", "io.multistack.greeting~D",
                "io.multistack.access.tunnel~siteD");
        assertThat(configurations.get("io.multistack.tenant~D")).containsOnly(entry("vlan", "640"),
                entry("address", "192.168.1.1/24"), entry("services", "greeting"));
        assertThat(configurations.get("io.multistack.greeting~D")).as("Configurator keys are not properties")
                .containsOnly(entry("text", "from a bundle"));
        assertThat(configurations.get("io.multistack.access.tunnel~siteD")).containsEntry("vni", 104L);
    }

    @Test
    void whatIsWrittenReadsBackTheSame() throws Exception {
        Map<String, Map<String, Object>> written = new LinkedHashMap<>();
        written.put("io.multistack.tenant~A", Map.of("vlan", "600", "address", "192.168.1.1/24",
                "services", "http, greeting"));
        written.put("io.multistack.access.tunnel~siteA", Map.of("remote", "198.51.100.11", "vni", "100", "vlan", "600"));

        String json = ConfigurationResources.write(written);

        assertThat(json).contains("\":configurator:resource-version\"");
        assertThat(read(json)).isEqualTo(written);
    }
}
