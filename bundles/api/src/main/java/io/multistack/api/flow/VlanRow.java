package io.multistack.api.flow;

/**
 * A row of the lower mapping with its counters (a snapshot): the tenant's stack bound to
 * VLAN {@code vlan} of trunk link {@code link}, or to the whole link when {@code vlan} is
 * {@value LowerMapping#WHOLE_LINK}. {@code state} is {@code up}, or why frames cannot flow
 * (e.g. {@code link absent}, {@code link down: ENODEV ...}, {@code link used by access server}).
 */
public record VlanRow(
        String link,
        int vlan,
        String tenant,
        String state,
        long framesIn,
        long bytesIn,
        long framesOut,
        long bytesOut,
        long drops) {}
