package io.multistack.api.stack;

import java.util.Map;

/**
 * Counters of a tenant stack (a snapshot): frames in and out, and drops by reason
 * (e.g. {@code ipv4.bad-checksum}, {@code ipv4.fragment}).
 */
public record StackStatistics(
        String state,
        long framesIn,
        long framesOut,
        long bytesIn,
        long bytesOut,
        Map<String, Long> drops) {
    public StackStatistics {
        drops = Map.copyOf(drops);
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
