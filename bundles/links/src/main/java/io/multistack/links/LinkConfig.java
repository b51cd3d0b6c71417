package io.multistack.links;

import io.multistack.config.ConfigValues;
import io.multistack.links.sys.Ifreq;
import java.util.Map;
import java.util.Set;

/**
 * One {@code io.multistack.link~NAME} configuration: {@code type} (tap | packet),
 * {@code interface} (the TAP to create, or the existing interface for packet) and an optional
 * {@code mtu} (default: 1500 for a TAP, the interface's own MTU for packet).
 */
public record LinkConfig(String name, LinkType type, String interfaceName, int mtu) {
    public static final String PID = "io.multistack.link";
    static final Set<String> KEYS = Set.of("type", "interface", "mtu");
    static final int MIN_MTU = 68;
    static final int MAX_MTU = 65_535;

    /** @throws IllegalArgumentException naming the bad key */
    public static LinkConfig parse(Map<String, ?> properties) {
        String name = ConfigValues.instanceName(properties);
        if (name.isBlank() || name.equals(PID)) {
            throw new IllegalArgumentException("a link needs a name: use the file name " + PID + "~NAME.cfg");
        }
        LinkType type = LinkType.parse(ConfigValues.requireString(properties, "type"));
        String interfaceName = ConfigValues.requireString(properties, "interface");
        try {
            Ifreq.checkName(interfaceName);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("key 'interface': " + bad.getMessage());
        }
        int mtu = ConfigValues.optionalString(properties, "mtu").isPresent()
                ? ConfigValues.requireInt(properties, "mtu", MIN_MTU, MAX_MTU)
                : type == LinkType.TAP ? 1500 : 0;
        return new LinkConfig(name, type, interfaceName, mtu);
    }
}
