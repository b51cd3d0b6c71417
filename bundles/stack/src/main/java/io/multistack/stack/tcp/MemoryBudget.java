package io.multistack.stack.tcp;

/** Bytes held in send and receive queues of one tenant, against {@link TcpSettings#memoryBudgetBytes}. */
final class MemoryBudget {
    private final long limit;
    private long used;

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    long available() {
        return Math.max(0, limit - used);
    }

    /** Accounts bytes even beyond the limit: in-window data is never dropped for lack of budget. */
    void charge(long bytes) {
        used += bytes;
    }

    void release(long bytes) {
        used -= bytes;
    }

    long used() {
        return used;
    }

    long limit() {
        return limit;
    }
}
