package io.multistack.flow;

import io.multistack.api.flow.LowerMapping;
import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import io.multistack.config.ConfigValues;
import io.multistack.wire.Dot1q;
import io.multistack.wire.Ipv4Address;
import java.net.Inet4Address;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a tenant configuration ({@code etc/io.multistack.tenant~NAME.cfg}) into a flow: the
 * stack's settings and its lower end (a VLAN of a trunk link, or a whole link), or an
 * {@link IllegalArgumentException} whose message names the key and what is wrong.
 */
final class TenantConfig {
    static final String PID = "io.multistack.tenant";
    static final Set<String> KEYS = Set.of("vlan", "trunk", "link", "address", "gateway", "mac", "services");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** Link names as the links bundle accepts them (the NAME of etc/io.multistack.link~NAME.cfg). */
    private static final Pattern LINK = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** A tenant's flow: its stack's settings and where its lower end is. */
    record Flow(TenantSettings settings, String link) {
        int vlan() {
            return settings.vlan();
        }

        boolean wholeLink() {
            return settings.vlan() == LowerMapping.WHOLE_LINK;
        }

        /** {@code VLAN 600 of trunk memory} or {@code whole link w1}, for log lines. */
        String lowerEnd() {
            return wholeLink() ? "whole link " + link : "VLAN " + vlan() + " of trunk " + link;
        }
    }
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private TenantConfig() {}

    static Flow parse(Map<String, ?> properties) {
        String name = ConfigValues.instanceName(properties);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tenant name '" + name
                    + "' must be letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
        }
        Optional<String> wholeLink = ConfigValues.optionalString(properties, "link").map(text -> linkName("link", text));
        int vlan;
        String link;
        if (wholeLink.isPresent()) {
            if (properties.get("vlan") != null || properties.get("trunk") != null) {
                throw new IllegalArgumentException("key 'link': a tenant on a whole link has no 'vlan' or 'trunk'"
                        + " (use either link = LINK, or vlan = N with an optional trunk = LINK)");
            }
            vlan = LowerMapping.WHOLE_LINK;
            link = wholeLink.get();
        } else {
            vlan = ConfigValues.requireInt(properties, "vlan", Dot1q.MIN_VID, Dot1q.MAX_VID);
            link = ConfigValues.optionalString(properties, "trunk").map(text -> linkName("trunk", text))
                    .orElse(LowerMapping.MEMORY_TRUNK);
        }
        String cidr = ConfigValues.requireString(properties, "address");
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("key 'address': '" + cidr + "' is not CIDR (e.g. 192.168.1.1/24)");
        }
        int address = ipv4("address", cidr.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("key 'address': '" + cidr + "' has no numeric prefix length");
        }
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("key 'address': prefix length " + prefix + " is outside 1..32");
        }
        int mask = Ipv4Address.mask(prefix);
        if (address == 0 || (address >>> 28) >= 0xE || (address >>> 24) == 127) {
            throw new IllegalArgumentException("key 'address': " + Ipv4Address.format(address)
                    + " is not a unicast host address");
        }
        if (prefix <= 30 && ((address & ~mask) == 0 || (address | mask) == -1)) {
            throw new IllegalArgumentException("key 'address': " + cidr
                    + " is the network or broadcast address of its prefix");
        }
        Optional<Inet4Address> gateway = ConfigValues.optionalString(properties, "gateway").map(text -> {
            int ip = ipv4("gateway", text);
            boolean networkOrBroadcast = prefix <= 30 && ((ip & ~mask) == 0 || (ip | mask) == -1);
            if ((ip & mask) != (address & mask) || ip == address || networkOrBroadcast) {
                throw new IllegalArgumentException("key 'gateway': " + text + " is not another host of " + cidr);
            }
            return Ipv4Address.toInet(ip);
        });
        MacAddress mac = ConfigValues.optionalString(properties, "mac").map(TenantConfig::mac)
                .orElse(vlan == LowerMapping.WHOLE_LINK ? wholeLinkMac(name) : MacAddress.forVlan(vlan));
        List<String> services = ConfigValues.stringList(properties, "services");
        for (String service : services) {
            if (!SERVICE.matcher(service).matches()) {
                throw new IllegalArgumentException("key 'services': '" + service + "' is not a service name");
            }
        }
        return new Flow(new TenantSettings(name, vlan, Ipv4Address.toInet(address), prefix, gateway, mac, services),
                link);
    }

    private static String linkName(String key, String text) {
        if (!LINK.matcher(text).matches()) {
            throw new IllegalArgumentException("key '" + key + "': '" + text
                    + "' is not a link name (letters, digits, '.', '_' or '-', at most 64)");
        }
        return text;
    }

    /**
     * A whole link has no VLAN to number the MAC by; the tenant's name does instead, with the
     * locally administered prefix 02:6d:77 ("mw"), apart from the VLAN MACs' 02:6d:73.
     */
    static MacAddress wholeLinkMac(String tenant) {
        return new MacAddress(0x02_6D_77_00_00_00L | (tenant.hashCode() & 0xFF_FF_FFL));
    }

    private static int ipv4(String key, String text) {
        try {
            return Ipv4Address.parse(text);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("key '" + key + "': " + bad.getMessage());
        }
    }

    private static MacAddress mac(String text) {
        MacAddress mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("key 'mac': " + bad.getMessage());
        }
        if (mac.isMulticast() || mac.bits() == 0) {
            throw new IllegalArgumentException("key 'mac': " + text + " is not a unicast address");
        }
        return mac;
    }
}
