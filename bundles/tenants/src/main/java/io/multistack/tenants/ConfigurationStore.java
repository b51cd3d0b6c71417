package io.multistack.tenants;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Configurations by PID, where {@code FACTORYPID~NAME} is a named factory configuration. */
final class ConfigurationStore {
    /** Set on configurations that FileInstall (or the etc bundle) made from a file in etc/. */
    static final String FILE_KEY = "felix.fileinstall.filename";

    private final ConfigurationAdmin admin;

    ConfigurationStore(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    /** Creates or updates each configuration; an unchanged one is left alone (no event, no restart). */
    void apply(Map<String, ? extends Map<String, Object>> configurations) throws IOException {
        for (Map.Entry<String, ? extends Map<String, Object>> entry : configurations.entrySet()) {
            configuration(entry.getKey()).updateIfDifferent(new Hashtable<>(entry.getValue()));
        }
    }

    /**
     * Deletes those of {@code pids} that exist, except the ones an operator's file in etc/ made
     * (they belong to the file, which stays); returns those kept.
     */
    List<String> deleteUnlessFromFile(Collection<String> pids) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String pid : pids) {
            Configuration existing = find(pid);
            Dictionary<String, Object> properties = existing == null ? null : existing.getProperties();
            if (properties != null && properties.get(FILE_KEY) != null) {
                kept.add(pid);
            } else if (existing != null) {
                existing.delete();
            }
        }
        return kept;
    }

    /** The configuration with this PID, or null; never creates one. */
    Configuration find(String pid) throws IOException {
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")");
            return found == null ? null : found[0];
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Every configuration with properties, by PID. */
    Map<String, Dictionary<String, Object>> all() throws IOException {
        try {
            Configuration[] found = admin.listConfigurations(null);
            Map<String, Dictionary<String, Object>> all = new TreeMap<>();
            if (found != null) {
                for (Configuration configuration : found) {
                    Dictionary<String, Object> properties = configuration.getProperties();
                    if (properties != null) {
                        all.put(configuration.getPid(), properties);
                    }
                }
            }
            return all;
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private Configuration configuration(String pid) throws IOException {
        int tilde = pid.indexOf('~');
        return tilde > 0
                ? admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), TenantBundles.ANY_LOCATION)
                : admin.getConfiguration(pid, TenantBundles.ANY_LOCATION);
    }

    /** RFC 1960 escaping: a PID from a bundle's JSON is data, not filter syntax. */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
