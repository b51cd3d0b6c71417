package io.multistack.stack.tcp;

/**
 * Whether the congestion window, rather than the application or the peer's window, limits the
 * sender, tracked per window of data as Linux's tcp_cwnd_validate / tcp_is_cwnd_limited do.
 * RFC 5681 3.1 and RFC 7661: a window that is not fully used must not grow, or an
 * application-limited flow (one segment per write, never a full window in flight) grows it on
 * every ACK without bound.
 */
final class CwndUsage {
    private boolean cwndLimited;
    private int maxFlight; // the largest flight seen in the current window
    private int windowEnd; // the window ends when SND.UNA reaches this
    private boolean started;

    /**
     * After an output attempt: {@code flight} is what is in flight now, {@code sent} whether
     * something left. The window counts as full when no full segment fits any more.
     */
    void afterOutput(int sndUna, int sndNxt, int flight, int cwnd, int mss, boolean sent) {
        boolean limited = flight > cwnd - mss;
        if (!sent && !limited) {
            return;
        }
        if (!started || Seq.ge(sndUna, windowEnd) || limited || (!cwndLimited && flight > maxFlight)) {
            started = true;
            cwndLimited = limited;
            maxFlight = flight;
            windowEnd = sndNxt;
        }
    }

    /**
     * In slow start the window may grow while it is less than twice the largest flight of this
     * window (it doubles per RTT when fully used); in congestion avoidance only when it was full.
     */
    boolean allowsGrowth(int cwnd, int ssthresh) {
        return cwnd < ssthresh ? cwnd < 2L * maxFlight : cwndLimited;
    }
}
