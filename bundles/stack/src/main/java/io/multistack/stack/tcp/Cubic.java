package io.multistack.stack.tcp;

/**
 * CUBIC (RFC 9438): W_cubic(t) = C (t - K)^3 + W_max with C = 0.4, beta = 0.7, fast
 * convergence and the Reno-friendly region (W_est). Slow start as in {@link NewReno}
 * (no HyStart).
 */
final class Cubic extends NewReno {
    static final double C = 0.4;
    static final double BETA = 0.7;
    private double wMax; // segments
    private double k; // seconds
    private long epochStart = -1;
    private double wEst; // segments
    private double cwndBeforeReduction;

    Cubic(int mss, int initialSegments) {
        super(mss, initialSegments);
    }

    @Override
    public void onAck(int ackedBytes, int flightBeforeAck, long now, long srttNanos) {
        if (cwnd < ssthresh) {
            super.onAck(ackedBytes, flightBeforeAck, now, srttNanos);
            return;
        }
        double segments = (double) cwnd / mss;
        if (epochStart < 0) {
            epochStart = now;
            if (wMax <= segments) {
                // no reduction seen yet (left slow start): start on the plateau
                wMax = segments;
                k = 0;
            } else {
                k = Math.cbrt(wMax * (1 - BETA) / C);
            }
            wEst = segments;
        }
        double rtt = srttNanos > 0 ? srttNanos / 1e9 : 0.1;
        double t = (now - epochStart) / 1e9;
        double target = C * Math.pow(t + rtt - k, 3) + wMax;
        target = Math.clamp(target, segments, 1.5 * segments);
        // Reno-friendly estimate (RFC 9438 4.3): alpha = 3 (1 - beta) / (1 + beta) per RTT until
        // W_est reaches the window before the reduction, then 1 (as Reno)
        boolean pastReduction = cwndBeforeReduction > 0 && wEst >= cwndBeforeReduction / mss;
        double alpha = pastReduction ? 1.0 : 3 * (1 - BETA) / (1 + BETA);
        wEst += alpha * ((double) ackedBytes / mss) / segments;
        double next;
        if (wEst > target) {
            next = wEst;
        } else {
            next = segments + (target - segments) / segments * ((double) ackedBytes / mss);
        }
        cwnd = (int) Math.max(cwnd, Math.min(MAX_CWND, next * mss));
    }

    @Override
    public void onCongestionEvent(int flight, long now) {
        reduce(now);
    }

    @Override
    public void onRetransmissionTimeout(int flight, long now) {
        reduce(now);
        cwnd = mss;
    }

    private void reduce(long now) {
        double segments = (double) cwnd / mss;
        cwndBeforeReduction = cwnd;
        // fast convergence (RFC 9438 4.7)
        wMax = segments < wMax ? segments * (1 + BETA) / 2 : segments;
        ssthresh = Math.max(2 * mss, (int) (cwnd * BETA));
        cwnd = ssthresh;
        epochStart = -1;
    }

    double wMax() {
        return wMax;
    }
}
