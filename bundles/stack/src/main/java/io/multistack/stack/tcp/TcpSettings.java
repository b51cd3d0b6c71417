package io.multistack.stack.tcp;

import java.util.concurrent.TimeUnit;

/**
 * Tunables of one tenant's TCP. Defaults follow Linux where it matters to peers
 * (initial window 10, min RTO 200 ms, delayed ACK 40 ms, 16 quick ACKs, CUBIC).
 */
public record TcpSettings(
        int receiveBuffer,
        int sendBuffer,
        long memoryBudgetBytes,
        CongestionAlgorithm congestionControl,
        boolean windowScaling,
        boolean timestamps,
        boolean sack,
        long initialRtoNanos,
        long minRtoNanos,
        long maxRtoNanos,
        long delayedAckNanos,
        long mslNanos,
        long finWait2Nanos,
        long keepIdleNanos,
        long keepIntervalNanos,
        int keepCount,
        int synRetries,
        int maxRetransmissions,
        int maxOutOfOrderSegments,
        int challengeAcksPerSecond,
        int initialWindowSegments,
        int quickAcks,
        int receiveBufferMax) {

    public enum CongestionAlgorithm { CUBIC, NEWRENO }

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    public static TcpSettings defaults() {
        return new TcpSettings(256 * 1024, 256 * 1024, 64L << 20, CongestionAlgorithm.CUBIC, true, true, true,
                1 * S, 200 * MS, 60 * S, 40 * MS, 30 * S, 60 * S, 7200 * S, 75 * S, 9, 6, 15, 512, 1000, 10, 16,
                4 << 20);
    }

    public TcpSettings withBuffers(int receive, int send) {
        return new TcpSettings(receive, send, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack,
                initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos,
                keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMemoryBudget(long bytes) {
        return new TcpSettings(receiveBuffer, sendBuffer, bytes, congestionControl, windowScaling, timestamps, sack,
                initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos,
                keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withCongestionControl(CongestionAlgorithm algorithm) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, algorithm, windowScaling, timestamps, sack,
                initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos,
                keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    /** Which options we offer in our SYN / accept in a peer's SYN. */
    public TcpSettings withOptions(boolean windowScaling, boolean timestamps, boolean sack) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling,
                timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos,
                keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withKeepAlive(long idleNanos, long intervalNanos, int count) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling,
                timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos,
                idleNanos, intervalNanos, count, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMsl(long nanos) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling,
                timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, nanos, finWait2Nanos,
                keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments,
                challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withRetries(int syn, int data) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling,
                timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos,
                keepIdleNanos, keepIntervalNanos, keepCount, syn, data, maxOutOfOrderSegments, challengeAcksPerSecond,
                initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withReceiveBuffer(int value) {
        return new TcpSettings(value, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withSendBuffer(int value) {
        return new TcpSettings(receiveBuffer, value, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMemoryBudgetBytes(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, value, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withWindowScaling(boolean value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, value, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withTimestamps(boolean value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, value, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withSack(boolean value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, value, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withInitialRtoNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, value, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMinRtoNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, value, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMaxRtoNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, value, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withDelayedAckNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, value, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMslNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, value, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withFinWait2Nanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, value, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withKeepIdleNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, value, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withKeepIntervalNanos(long value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, value, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withKeepCount(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, value, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withSynRetries(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, value, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMaxRetransmissions(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, value, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withMaxOutOfOrderSegments(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, value, challengeAcksPerSecond, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withChallengeAcksPerSecond(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, value, initialWindowSegments, quickAcks, receiveBufferMax);
    }

    public TcpSettings withInitialWindowSegments(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, value, quickAcks, receiveBufferMax);
    }

    /**
     * Segments acknowledged at once (no delayed ACK) at the start of a connection and after an
     * idle period, while the exchange is not interactive (Linux's quick-ACK mode); 0 disables it.
     */
    public TcpSettings withQuickAcks(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, value, receiveBufferMax);
    }

    /**
     * Largest receive buffer auto-tuning may grow a connection's to (Linux's tcp_rmem[2]); at or
     * below {@link #receiveBuffer()} it turns auto-tuning off. Window scaling is chosen for it.
     */
    public TcpSettings withReceiveBufferMax(int value) {
        return new TcpSettings(receiveBuffer, sendBuffer, memoryBudgetBytes, congestionControl, windowScaling, timestamps, sack, initialRtoNanos, minRtoNanos, maxRtoNanos, delayedAckNanos, mslNanos, finWait2Nanos, keepIdleNanos, keepIntervalNanos, keepCount, synRetries, maxRetransmissions, maxOutOfOrderSegments, challengeAcksPerSecond, initialWindowSegments, quickAcks, value);
    }
}
