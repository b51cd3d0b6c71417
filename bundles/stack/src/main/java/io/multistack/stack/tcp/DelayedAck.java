package io.multistack.stack.tcp;

/**
 * When in-order data is acknowledged (RFC 1122 4.2.3.2, RFC 5681 4.2, RFC 9293 3.8.6.3): at
 * the latest every second full-sized segment, otherwise after the delayed-ACK timeout (40 ms
 * by default, never more than 500 ms). Like Linux, the first segments of a connection and
 * those after an idle period are acknowledged without delay while the exchange is not
 * interactive (quick-ACK mode), so that the peer's slow start is not held up by our timer;
 * an interactive exchange (we answer with data) lets the answer carry the ACK instead.
 *
 * <p>"Acknowledge now" here means at the end of the current batch of received segments
 * ({@link PendingAcks}), so a burst handled together costs one ACK, as with GRO on Linux.
 */
final class DelayedAck {
    private final int quickAckLimit;
    private int unackedBytes;
    private int quickAcks;
    private boolean interactive;
    private boolean receivedData;
    private long lastDataAt;

    DelayedAck(int quickAckLimit) {
        this.quickAckLimit = quickAckLimit;
    }

    /**
     * In-order data of {@code bytes} arrived at {@code now}; true when it should be
     * acknowledged at the end of the batch, false when the delayed-ACK timer may cover it.
     */
    boolean inOrderData(int bytes, int fullSegment, int receiveWindow, long idleLimit, long now) {
        if (!receivedData || now - lastDataAt > idleLimit) {
            // first data, or data after an idle period (RFC 5681 4.1 makes the peer restart slow start)
            quickAcks = Math.max(quickAcks, Math.min(quickAckLimit, Math.max(2, receiveWindow / (2 * fullSegment))));
            receivedData = true;
        }
        lastDataAt = now;
        unackedBytes += bytes;
        return unackedBytes >= 2 * fullSegment || (quickAcks > 0 && !interactive);
    }

    /** Bytes received and not yet acknowledged. */
    int unackedBytes() {
        return unackedBytes;
    }

    /** An ACK covering everything received left. */
    void ackSent(int fullSegment) {
        if (quickAcks > 0 && unackedBytes > 0) {
            quickAcks = Math.max(0, quickAcks - Math.max(1, unackedBytes / fullSegment));
        }
        unackedBytes = 0;
    }

    /**
     * We sent data at {@code now}: within the delay of the last data received it is an answer,
     * and the exchange is interactive (Linux's ping-pong mode), so later segments wait for the
     * delayed ACK that the next answer will probably carry.
     */
    void dataSent(long now, long delay) {
        if (receivedData && now - lastDataAt < delay) {
            interactive = true;
        }
    }

    /** The delayed-ACK timer ran out: nobody answered in time, so the exchange is not interactive (now). */
    void timerExpired() {
        interactive = false;
    }

    boolean quickAckMode() {
        return quickAcks > 0 && !interactive;
    }
}
