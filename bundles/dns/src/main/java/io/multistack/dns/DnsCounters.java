package io.multistack.dns;

import java.util.concurrent.atomic.LongAdder;

/** What the server counts; written on the tenant's event loop, read by status() from anywhere. */
final class DnsCounters {
    final LongAdder queries = new LongAdder();
    final LongAdder truncated = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder formErrors = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder malformed = new LongAdder();

    @Override
    public String toString() {
        return queries.sum() + " queries (" + truncated.sum() + " truncated, " + refused.sum() + " refused, "
                + formErrors.sum() + " formerr), drops: " + rateLimited.sum() + " rate-limited, " + malformed.sum()
                + " malformed";
    }
}
