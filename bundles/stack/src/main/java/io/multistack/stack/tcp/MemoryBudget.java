package io.multistack.stack.tcp;

/** Bytes held in send and receive queues of one tenant, against {@link TcpSettings#memoryBudgetBytes}. */
final class MemoryBudget {
    /**
     * Each connection may hold this much in each direction whatever the budget says (like
     * Linux's tcp_rmem/tcp_wmem minimum): otherwise an application that writes before it
     * reads (an echo) deadlocks once received data has used the whole budget.
     */
    static final int GUARANTEED_PER_DIRECTION = 8192;

    private final long limit;
    private long used;

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    long available() {
        return Math.max(0, limit - used);
    }

    /** What a queue already holding {@code held} bytes may still take. */
    long availableTo(int held) {
        return Math.max(available(), GUARANTEED_PER_DIRECTION - (long) held);
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
