package io.multistack.stack.core;

/** A rate limiter in virtual time: {@code ratePerSecond} tokens a second, up to {@code burst}. */
final class TokenBucket {
    private final long nanosPerToken;
    private final long burstNanos;
    private long filledUntil;
    private boolean primed;

    TokenBucket(int ratePerSecond, int burst) {
        this.nanosPerToken = 1_000_000_000L / ratePerSecond;
        this.burstNanos = nanosPerToken * burst;
    }

    /** Takes a token if one is available at {@code now}. */
    boolean tryTake(long now) {
        long earliest = now - burstNanos;
        // primed on first use: the clock's origin is arbitrary, so no sentinel value is safe
        if (!primed || filledUntil - earliest < 0) {
            primed = true;
            filledUntil = earliest;
        }
        if (filledUntil + nanosPerToken - now > 0) {
            return false;
        }
        filledUntil += nanosPerToken;
        return true;
    }
}
