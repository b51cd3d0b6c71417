package io.multistack.stack.tcp;

/** RFC 6298 smoothed RTT and RTO with exponential back-off, clamped to [min, max]. */
final class RttEstimator {
    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;

    RttEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = initialRto;
    }

    void sample(long rtt) {
        if (rtt < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = rtt;
            rttvar = rtt / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
            srtt = (7 * srtt + rtt) / 8;
        }
        rto = Math.clamp(srtt + Math.max(1_000_000L, 4 * rttvar), minRto, maxRto);
        backoff = 0;
    }

    /** RFC 6298 5.5: double on expiry. */
    void backOff() {
        backoff++;
        rto = Math.min(maxRto, rto * 2);
    }

    /** A new ACK without a valid sample (Karn): drop the back-off, keep the last estimate. */
    void resetBackoff() {
        if (backoff > 0 && srtt >= 0) {
            rto = Math.clamp(srtt + Math.max(1_000_000L, 4 * rttvar), minRto, maxRto);
        }
        backoff = 0;
    }

    long rto() {
        return rto;
    }

    long srtt() {
        return srtt;
    }

    long rttvar() {
        return rttvar;
    }

    int backoffCount() {
        return backoff;
    }
}
