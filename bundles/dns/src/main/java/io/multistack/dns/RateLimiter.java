package io.multistack.dns;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Response rate limiting per client address: a token bucket of {@code perSecond} tokens
 * refilled continuously, holding at most one second's worth. A response without a token is
 * dropped (no "slip" of truncated replies as BIND's RRL does; a real client retries over
 * TCP or later). Confined to the tenant's event loop: not thread-safe.
 */
final class RateLimiter {
    /** Buckets kept at most; beyond that, idle (full) buckets are forgotten. */
    static final int MAX_CLIENTS = 4096;
    private static final double NANOS_PER_SECOND = 1e9;

    private final double perSecond;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }
    }

    /** @param perSecond responses per second and client; 0 turns limiting off */
    RateLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for one response to {@code client}; false means drop it. */
    boolean allow(InetAddress client) {
        if (perSecond <= 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            forgetIdleIfFull(now);
            bucket = new Bucket(perSecond, now);
            buckets.put(client, bucket);
        } else {
            refill(bucket, now);
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    int clients() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        double added = (now - bucket.refilledAt) / NANOS_PER_SECOND * perSecond;
        bucket.tokens = Math.min(perSecond, bucket.tokens + added);
        bucket.refilledAt = now;
    }

    /** Bounded memory under spoofed sources: a full bucket carries no state worth keeping. */
    private void forgetIdleIfFull(long now) {
        if (buckets.size() < MAX_CLIENTS) {
            return;
        }
        buckets.values().removeIf(bucket -> {
            refill(bucket, now);
            return bucket.tokens >= perSecond;
        });
        if (buckets.size() >= MAX_CLIENTS) {
            buckets.clear(); // a flood of distinct sources: start over rather than grow
        }
    }
}
