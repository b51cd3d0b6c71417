package io.multistack.stack.tcp;

/**
 * Congestion window policy (RFC 5681 framework). The sender owns loss detection and
 * recovery (RFC 6582 / 6675) and tells the policy what happened; all sizes in bytes.
 */
interface CongestionControl {
    /**
     * The largest congestion window (1 GiB, what window scaling can offer): the arithmetic
     * saturates there instead of overflowing {@code int}.
     */
    int MAX_CWND = 1 << 30;

    int cwnd();

    int ssthresh();

    /** New data was cumulatively acknowledged outside recovery while the window was fully used ({@link CwndUsage}). */
    void onAck(int ackedBytes, int flightBeforeAck, long now, long srttNanos);

    /** Loss detected by duplicate ACKs / SACK: reduce ssthresh and cwnd (entering fast recovery). */
    void onCongestionEvent(int flight, long now);

    /** Fast recovery ended with a full ACK. */
    void onRecoveryExit(long now);

    /** Retransmission timeout: back to one segment (RFC 5681 3.1). */
    void onRetransmissionTimeout(int flight, long now);

    /** The sender's MSS changed (handshake or path MTU). */
    void mss(int mss);

    /** Used by the sender while in fast recovery (RFC 6675 / 6582 set cwnd explicitly). */
    void cwnd(int bytes);

    static CongestionControl create(TcpSettings.CongestionAlgorithm algorithm, int mss, int initialSegments) {
        return switch (algorithm) {
            case CUBIC -> new Cubic(mss, initialSegments);
            case NEWRENO -> new NewReno(mss, initialSegments);
        };
    }
}
