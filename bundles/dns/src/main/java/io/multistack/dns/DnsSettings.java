package io.multistack.dns;

import io.multistack.config.ConfigValues;
import java.util.Map;

/**
 * Per-tenant settings ({@code etc/io.multistack.dns~TENANT.cfg}) with their defaults.
 *
 * @param port        UDP and TCP port, default 53
 * @param rateLimit   responses per second and client address over UDP, default 100; 0 = off
 * @param maxUdpSize  the largest UDP response we send to an EDNS client (RFC 6891), default 1232
 *                    (the DNS flag day 2020 value), at most 4096; clients without EDNS get 512
 */
record DnsSettings(int port, int rateLimit, int maxUdpSize) {
    static final int CLASSIC_UDP_SIZE = 512;
    static final int MAX_UDP_SIZE = 4096;
    static final DnsSettings DEFAULTS = new DnsSettings(53, 100, 1232);

    DnsSettings {
        check(port >= 1 && port <= 65535, "port", port);
        check(rateLimit >= 0, "rateLimit", rateLimit);
        check(maxUdpSize >= CLASSIC_UDP_SIZE && maxUdpSize <= MAX_UDP_SIZE, "maxUdpSize", maxUdpSize);
    }

    static DnsSettings from(Map<String, ?> configuration) {
        return new DnsSettings(ConfigValues.intOr(configuration, "port", DEFAULTS.port),
                ConfigValues.intOr(configuration, "rateLimit", DEFAULTS.rateLimit),
                ConfigValues.intOr(configuration, "maxUdpSize", DEFAULTS.maxUdpSize));
    }

    private static void check(boolean valid, String key, int value) {
        if (!valid) {
            throw new IllegalArgumentException("dns setting '" + key + "': " + value + " is out of range");
        }
    }
}
