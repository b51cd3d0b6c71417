package io.multistack.bench;

import io.multistack.api.stack.MacAddress;
import io.multistack.api.stack.TenantSettings;
import io.multistack.wire.Ipv4Address;
import java.util.List;
import java.util.Optional;

/**
 * The addresses of every benchmark: the patent's tenant A (192.168.1.1/24 on VLAN 600) and a
 * host at its site (192.168.1.10), reached over VXLAN VNI 100 from 203.0.113.11.
 */
public final class Net {
    public static final int VLAN = 600;
    public static final int VNI = 100;
    public static final int SITE = Ipv4Address.parse("203.0.113.11");
    public static final long TENANT_MAC = MacAddress.forVlan(VLAN).bits();
    public static final int TENANT_IP = Ipv4Address.parse("192.168.1.1");
    public static final long HOST_MAC = 0x52_54_00_0a_00_0aL;
    public static final int HOST_IP = Ipv4Address.parse("192.168.1.10");

    private Net() {}

    public static TenantSettings tenant() {
        return new TenantSettings("A", VLAN, Ipv4Address.toInet(TENANT_IP), 24, Optional.empty(),
                new MacAddress(TENANT_MAC), List.of());
    }
}
