package io.multistack.links;

import java.util.concurrent.atomic.LongAdder;

/** Per-link traffic and trouble counters; written by the reader thread and by every sender. */
public final class LinkCounters {
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder drops = new LongAdder();
    private final LongAdder downs = new LongAdder();

    /** An immutable reading of the counters, for commands and tests. */
    public record Snapshot(long framesIn, long bytesIn, long framesOut, long bytesOut, long errors, long drops,
            long downs) {}

    void received(int bytes) {
        framesIn.increment();
        bytesIn.add(bytes);
    }

    void sent(int bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }

    void error() {
        errors.increment();
    }

    void drop() {
        drops.increment();
    }

    void down() {
        downs.increment();
    }

    public Snapshot snapshot() {
        return new Snapshot(framesIn.sum(), bytesIn.sum(), framesOut.sum(), bytesOut.sum(), errors.sum(), drops.sum(),
                downs.sum());
    }
}
