package io.multistack.stack.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** ICMP echo requests this stack sent and still waits for, keyed by sequence number. */
final class EchoRequests {
    /** Bound on outstanding pings per tenant. */
    static final int MAX_OUTSTANDING = 1024;

    private record Outstanding(long sentAt, long deadline, CompletableFuture<Duration> result) {}

    private final int identifier;
    private final Map<Integer, Outstanding> bySequence = new HashMap<>();
    private int nextSequence = 1;

    EchoRequests(int identifier) {
        this.identifier = identifier & 0xFFFF;
    }

    int identifier() {
        return identifier;
    }

    int register(long now, long deadline, CompletableFuture<Duration> result) {
        if (bySequence.size() >= MAX_OUTSTANDING) {
            expireOldest();
        }
        int sequence = nextSequence;
        nextSequence = (nextSequence + 1) & 0xFFFF;
        bySequence.put(sequence, new Outstanding(now, deadline, result));
        return sequence;
    }

    /** Completes the matching request; false when nothing matched (late or foreign reply). */
    boolean complete(int identifier, int sequence, long now) {
        if (identifier != this.identifier) {
            return false;
        }
        Outstanding outstanding = bySequence.remove(sequence);
        if (outstanding == null) {
            return false;
        }
        outstanding.result.complete(Duration.ofNanos(now - outstanding.sentAt));
        return true;
    }

    void expire(long now) {
        for (Iterator<Outstanding> it = bySequence.values().iterator(); it.hasNext(); ) {
            Outstanding outstanding = it.next();
            if (outstanding.deadline - now <= 0) {
                it.remove();
                outstanding.result.completeExceptionally(new TimeoutException("no echo reply"));
            }
        }
    }

    /** No ping waits for its reply: {@link #expire} has nothing to do. */
    boolean isEmpty() {
        return bySequence.isEmpty();
    }

    void failAll(Exception cause) {
        bySequence.values().forEach(o -> o.result.completeExceptionally(cause));
        bySequence.clear();
    }

    private void expireOldest() {
        bySequence.entrySet().stream()
                .min((a, b) -> Long.compare(a.getValue().sentAt, b.getValue().sentAt))
                .ifPresent(oldest -> {
                    bySequence.remove(oldest.getKey());
                    oldest.getValue().result.completeExceptionally(new TimeoutException("too many pings outstanding"));
                });
    }
}
