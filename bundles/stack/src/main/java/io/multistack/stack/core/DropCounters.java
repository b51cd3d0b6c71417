package io.multistack.stack.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Drops by reason. Written by the stack's loop, read by operators from any thread. */
public final class DropCounters {
    private final ConcurrentHashMap<String, LongAdder> byReason = new ConcurrentHashMap<>();

    public void count(String reason) {
        byReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long get(String reason) {
        LongAdder adder = byReason.get(reason);
        return adder == null ? 0 : adder.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        byReason.forEach((reason, adder) -> copy.put(reason, adder.sum()));
        return copy;
    }
}
