package io.multistack.stack.tcp;

/** RFC 5681 slow start and congestion avoidance with RFC 3465 byte counting (L = 2 MSS). */
class NewReno implements CongestionControl {
    protected int mss;
    protected int cwnd;
    protected int ssthresh = Integer.MAX_VALUE;
    private int bytesAckedInAvoidance;

    NewReno(int mss, int initialSegments) {
        this.mss = mss;
        this.cwnd = initialSegments * mss;
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void cwnd(int bytes) {
        cwnd = Math.clamp(bytes, mss, MAX_CWND);
    }

    @Override
    public void onAck(int ackedBytes, int flightBeforeAck, long now, long srttNanos) {
        if (cwnd < ssthresh) {
            cwnd = (int) Math.min(MAX_CWND, (long) cwnd + Math.min(ackedBytes, 2 * mss));
            return;
        }
        bytesAckedInAvoidance += ackedBytes;
        if (bytesAckedInAvoidance >= cwnd) {
            bytesAckedInAvoidance -= cwnd;
            cwnd = Math.min(MAX_CWND, cwnd + mss);
        }
    }

    @Override
    public void onCongestionEvent(int flight, long now) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = ssthresh;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void onRecoveryExit(long now) {
        cwnd = ssthresh;
    }

    @Override
    public void onRetransmissionTimeout(int flight, long now) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void mss(int value) {
        if (value != mss && value > 0) {
            cwnd = (int) Math.clamp((long) cwnd * value / mss, value, MAX_CWND);
            mss = value;
        }
    }
}
