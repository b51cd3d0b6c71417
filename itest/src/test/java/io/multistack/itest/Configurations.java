package io.multistack.itest;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Writes configuration the way the operator's files arrive: {@code etc/FACTORY~NAME.cfg}
 * becomes the named factory configuration {@code FACTORY~NAME} with string values, as
 * FileInstall creates it from a {@code .cfg} file.
 */
public final class Configurations {
    public static final String TENANT = "io.multistack.tenant";
    public static final String TUNNEL = "io.multistack.access.tunnel";
    public static final String VXLAN_ENDPOINT = "io.multistack.access.vxlan";

    /** Any bundle may consume these configurations, as with FileInstall. */
    private static final String ANY_LOCATION = "?";

    private final ConfigurationAdmin admin;

    public Configurations(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    /** Creates {@code factoryPid~name}, or replaces all of its properties. */
    public void put(String factoryPid, String name, Map<String, String> properties) throws IOException {
        update(admin.getFactoryConfiguration(factoryPid, name, ANY_LOCATION), properties);
    }

    /** Creates or replaces the singleton configuration {@code pid}. */
    public void put(String pid, Map<String, String> properties) throws IOException {
        update(admin.getConfiguration(pid, ANY_LOCATION), properties);
    }

    /** Deletes {@code factoryPid~name}, as removing its file does. */
    public void delete(String factoryPid, String name) throws IOException {
        admin.getFactoryConfiguration(factoryPid, name, ANY_LOCATION).delete();
    }

    /** The properties of a tenant file {@code etc/io.multistack.tenant~NAME.cfg}. */
    public static Map<String, String> tenant(int vlan, String cidr) {
        return Map.of("vlan", Integer.toString(vlan), "address", cidr);
    }

    /** The properties of a tunnel row file {@code etc/io.multistack.access.tunnel~NAME.cfg}. */
    public static Map<String, String> tunnel(String remote, int vni, int vlan) {
        return Map.of("remote", remote, "vni", Integer.toString(vni), "vlan", Integer.toString(vlan));
    }

    /** The properties of {@code etc/io.multistack.access.vxlan.cfg}. */
    public static Map<String, String> endpoint(String listen) {
        return Map.of("listen", listen);
    }

    private static void update(Configuration configuration, Map<String, String> properties) throws IOException {
        configuration.update(new Hashtable<>(properties));
    }

}
