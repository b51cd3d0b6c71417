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
    /** Prefix of the counters of injected faults (see {@link FaultSettings}). */
    public static final String FAULTS_PREFIX = "faults.";

    public StackStatistics {
        drops = Map.copyOf(drops);
    }

    /** Frames dropped, by any reason; injected-fault counters ({@code faults.*}) are not drops of the stack. */
    public long totalDrops() {
        return drops.entrySet().stream().filter(e -> !e.getKey().startsWith(FAULTS_PREFIX))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
