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
    /** Keys of the Configurator's own (policy, ranking...), not properties of the configuration. */
    private static final String CONFIGURATOR_KEY = ":configurator:";

    private ConfigurationResources() {}

    /** PID (or {@code FACTORYPID~NAME}) to properties, in the resource's order. */
    static Map<String, Hashtable<String, Object>> read(String identifier, InputStream json) throws IOException {
        try (Reader reader = Configurations.jsonCommentAwareReader(new InputStreamReader(json, StandardCharsets.UTF_8))) {
            ConfigurationResource resource = Configurations.buildReader().withIdentifier(identifier).build(reader)
                    .readConfigurationResource();
            Map<String, Hashtable<String, Object>> configurations = new LinkedHashMap<>();
            resource.getConfigurations().forEach((pid, properties) -> {
                Hashtable<String, Object> clean = new Hashtable<>(properties);
                clean.keySet().removeIf(key -> key.startsWith(CONFIGURATOR_KEY));
                configurations.put(pid, clean);
            });
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
