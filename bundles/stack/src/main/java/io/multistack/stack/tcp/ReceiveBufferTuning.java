package io.multistack.stack.tcp;

/**
 * Receive-buffer auto-tuning (dynamic right-sizing, as Linux's tcp_rcv_space_adjust): once per
 * receiver-side RTT, look at what the application read in that RTT; when it read more than in
 * the last measured one, the sender is probably window-limited, so the buffer (and with it the
 * window) grows to twice that plus 16 segments, plus twice the growth rate, up to a maximum.
 * A fixed window caps a flow at window / RTT (256 KiB at 2 ms: 130 MB/s); a large fixed one
 * would reserve memory for every idle connection. The buffer never shrinks.
 */
final class ReceiveBufferTuning {
    private long copied; // bytes the application read, in total
    private long measureCopied = -1; // copied at the start of the current measurement
    private long measureStart;
    private long space; // bytes read in the last RTT that grew the buffer (Linux's rcvq_space.space)

    ReceiveBufferTuning(int initialSpace) {
        this.space = Math.max(1, initialSpace);
    }

    /**
     * The application read {@code bytes}; returns the buffer size to use from now on (at least
     * {@code bufferSize}, at most {@code max}).
     */
    int afterRead(int bytes, long now, long rttNanos, int bufferSize, int mss, int max) {
        copied += bytes;
        if (measureCopied < 0) {
            measureCopied = copied - bytes;
            measureStart = now;
            return bufferSize;
        }
        if (rttNanos <= 0 || now - measureStart < rttNanos) {
            return bufferSize;
        }
        long inRtt = copied - measureCopied;
        long size = bufferSize;
        if (inRtt > space) {
            long window = 2 * inRtt + 16L * mss;
            long grow = window * (inRtt - space) / space;
            window += 2 * grow;
            size = Math.max(bufferSize, Math.min(max, window));
            space = inRtt;
        }
        measureCopied = copied;
        measureStart = now;
        return (int) size;
    }
}
