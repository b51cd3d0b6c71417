package io.multistack.stack.link;

/** What a fault lane has done to the frames of one direction since its settings were applied. */
record FaultCounts(long dropped, long duplicated, long reordered, long corrupted, long delayed) {
    static final FaultCounts ZERO = new FaultCounts(0, 0, 0, 0, 0);
}
