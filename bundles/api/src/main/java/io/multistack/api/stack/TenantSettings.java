package io.multistack.api.stack;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a tenant's configuration says about its stack: its address and prefix, its optional
 * default gateway, its MAC (six bytes) and the services it runs.
 */
public record TenantSettings(
        String name,
        int vlan,
        Inet4Address address,
        int prefixLength,
        Optional<Inet4Address> gateway,
        MacAddress mac,
        List<String> services) {
    public TenantSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(mac, "mac");
        services = List.copyOf(services);
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        }
    }

    /** {@code a.b.c.d/len} */
    public String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
