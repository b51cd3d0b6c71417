package io.multistack.stack.tcp;

/**
 * Stateless SYN-ACKs when a listener's backlog is full (RFC 4987 3.6). The cookie (our ISN)
 * is: 5 bits of a 64 s counter, 3 bits of MSS index, 24 bits of keyed MAC over the
 * 4-tuple, the peer's ISN and the counter. A connection built from a cookie loses what the
 * cookie cannot carry: window scaling, SACK and timestamps are off for it (the SYN-ACK
 * offers none of them, so the peer never uses them either) and its MSS is rounded down to
 * one of {@link #MSS_TABLE}.
 */
final class SynCookies {
    static final int[] MSS_TABLE = {536, 1220, 1360, 1400, 1440, 1452, 1460, 8960};
    private static final long PERIOD_NANOS = 64_000_000_000L;
    private static final int MAX_AGE = 2;
    private final IsnGenerator keys;

    SynCookies(IsnGenerator keys) {
        this.keys = keys;
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
