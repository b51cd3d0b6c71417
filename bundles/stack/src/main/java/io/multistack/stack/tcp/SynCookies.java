package io.multistack.stack.tcp;

/**
 * Stateless SYN-ACKs when a listener's backlog is full (RFC 4987 3.6). The cookie (our ISN)
 * is: 5 bits of a 64 s counter, 3 bits of MSS index, 24 bits of keyed MAC over the
 * 4-tuple, the peer's ISN and the counter. When the peer's SYN has timestamps, the low 6
 * bits of our timestamp value carry its window scale (4 bits, 15 = none) and SACK-permitted,
 * as Linux does, and the cookie connection keeps window scaling, SACK and timestamps.
 * Without timestamps a cookie connection loses them (the SYN-ACK then offers only the MSS,
 * so the peer does not use them either). The MSS is always rounded down to one of
 * {@link #MSS_TABLE}; the option bits are not covered by the MAC (as in Linux), so a forger
 * can at most choose options for a connection it could open anyway.
 */
final class SynCookies {
    static final int[] MSS_TABLE = {536, 1220, 1360, 1400, 1440, 1452, 1460, 8960};
    private static final long PERIOD_NANOS = 64_000_000_000L;
    private static final int MAX_AGE = 2;
    private final IsnGenerator keys;

    SynCookies(IsnGenerator keys) {
        this.keys = keys;
    }

    static final int OPTION_BITS = 0x3F;
    static final int NO_WINDOW_SCALE = 0xF;

    /** Our timestamp value for a cookie SYN-ACK: the clock with the peer's options in the low bits, never ahead of it. */
    static int encodeOptions(int tsNow, int peerWindowScale, boolean sack) {
        int options = (peerWindowScale < 0 ? NO_WINDOW_SCALE : Math.min(14, peerWindowScale)) | (sack ? 0x10 : 0);
        int ts = (tsNow & ~OPTION_BITS) | options;
        if (Integer.compareUnsigned(ts, tsNow) > 0 && ts - tsNow > 0) {
            ts -= OPTION_BITS + 1;
        }
        return ts;
    }

    /** The peer's window scale from an echoed cookie timestamp, -1 if none. */
    static int decodeWindowScale(int tsEcr) {
        int bits = tsEcr & 0xF;
        return bits == NO_WINDOW_SCALE ? -1 : bits;
    }

    static boolean decodeSack(int tsEcr) {
        return (tsEcr & 0x10) != 0;
    }

    static int mssIndex(int mss) {
        int index = 0;
        for (int i = 0; i < MSS_TABLE.length; i++) {
            if (MSS_TABLE[i] <= mss) {
                index = i;
            }
        }
        return index;
    }

    int make(FourTuple t, int peerIsn, int mss, long now) {
        int count = (int) (now / PERIOD_NANOS) & 0x1F;
        int index = mssIndex(mss);
        return (count << 27) | (index << 24) | mac(t, peerIsn, count, index);
    }

    /** The MSS encoded in a valid cookie, or -1. */
    int check(FourTuple t, int peerIsn, int cookie, long now) {
        int count = cookie >>> 27;
        int index = (cookie >>> 24) & 0x7;
        int current = (int) (now / PERIOD_NANOS) & 0x1F;
        int age = (current - count) & 0x1F;
        if (age > MAX_AGE || mac(t, peerIsn, count, index) != (cookie & 0xFF_FFFF)) {
            return -1;
        }
        return MSS_TABLE[index];
    }

    private int mac(FourTuple t, int peerIsn, int count, int index) {
        long extra = ((long) peerIsn << 32) | ((long) count << 8) | index;
        return (int) keys.hash(3, t.localIp(), t.localPort(), t.remoteIp(), t.remotePort(), extra) & 0xFF_FFFF;
    }
}
