package io.multistack.tenants;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Configuration Admin in memory, for what {@link ConfigurationStore} calls: get, list by PID, update, delete. */
final class FakeConfigurationAdmin {
    /** PID to properties of the configurations that exist (have been updated at least once). */
    final Map<String, Hashtable<String, Object>> stored = new TreeMap<>();
    int writes;

    ConfigurationAdmin admin() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getFactoryConfiguration" -> configuration(args[0] + "~" + args[1]);
                    case "getConfiguration" -> configuration((String) args[0]);
                    case "listConfigurations" -> list((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Configuration[] list(String filter) {
        if (filter == null) {
            return stored.isEmpty() ? null : stored.keySet().stream().map(this::configuration).toArray(Configuration[]::new);
        }
        String pid = filter.substring("(service.pid=".length(), filter.length() - 1).replaceAll("\\\\(.)", "$1");
        return stored.containsKey(pid) ? new Configuration[] {configuration(pid)} : null;
    }

    @SuppressWarnings("unchecked")
    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getPid" -> pid;
                    case "getProperties" -> stored.containsKey(pid) ? new Hashtable<>(stored.get(pid)) : null;
                    case "updateIfDifferent" -> {
                        Hashtable<String, Object> properties = new Hashtable<>();
                        Dictionary<String, Object> given = (Dictionary<String, Object>) args[0];
                        for (var keys = given.keys(); keys.hasMoreElements();) {
                            String key = keys.nextElement();
                            properties.put(key, given.get(key));
                        }
                        if (properties.equals(stored.get(pid))) {
                            yield false;
                        }
                        stored.put(pid, properties);
                        writes++;
                        yield true;
                    }
                    case "delete" -> {
                        stored.remove(pid);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
