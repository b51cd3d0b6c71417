package io.multistack.api.flow;

/** A row of the lower mapping with its counters (a snapshot). */
public record VlanRow(
        int vlan,
        String tenant,
        long framesIn,
        long bytesIn,
        long framesOut,
        long bytesOut,
        long drops) {}
