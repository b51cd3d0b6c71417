package io.multistack.api.flow;

/** One access row with its counters (a snapshot); {@code remote} is the site's underlay IPv4. */
public record TunnelRow(
        String name,
        String remote,
        int vni,
        int vlan,
        long packetsIn,
        long bytesIn,
        long packetsOut,
        long bytesOut,
        long drops) {}
