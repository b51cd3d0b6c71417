package io.multistack.tenants;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.felix.cm.json.io.ConfigurationResource;
import org.apache.felix.cm.json.io.Configurations;

/**
 * The OSGi Configurator's JSON format ({@code OSGI-INF/configurator/*.json}), read and written
 * with Felix's cm.json library, the one the Configurator itself uses, so that what
 * {@code tenant:export} writes is exactly what the Configurator applies.
 */
final class ConfigurationResources {
    private static final String CONFIGURATOR_KEY = ":configurator:";

    private ConfigurationResources() {}

    /** PID (or {@code FACTORYPID~NAME}) to properties, in the resource's order. */
    static Map<String, Hashtable<String, Object>> read(String identifier, InputStream json) throws IOException {
        try (Reader reader = Configurations.jsonCommentAwareReader(new InputStreamReader(json, StandardCharsets.UTF_8))) {
            // Per-configuration Configurator keys (policy, ranking) steer the Configurator, they are no properties.
            ConfigurationResource resource = Configurations.buildReader().verifyAsBundleResource(true)
                    .withIdentifier(identifier).withConfiguratorPropertyHandler((pid, key, value) -> { })
                    .build(reader).readConfigurationResource();
            // Plain tables: the reader's own (order-keeping) dictionaries compare only with their kind.
            Map<String, Hashtable<String, Object>> configurations = new LinkedHashMap<>();
            resource.getConfigurations().forEach((pid, properties) -> configurations.put(pid, new Hashtable<>(properties)));
            return configurations;
        }
    }

    static String write(Map<String, ? extends Map<String, Object>> configurations) throws IOException {
        ConfigurationResource resource = new ConfigurationResource();
        resource.getProperties().put(CONFIGURATOR_KEY + "resource-version", 1);
        configurations.forEach((pid, properties) -> resource.getConfigurations().put(pid, new Hashtable<>(properties)));
        StringWriter json = new StringWriter();
        Configurations.buildWriter().build(json).writeConfigurationResource(resource);
        return json.toString();
    }
}
