package io.multistack.stack.tcp;

import java.util.random.RandomGenerator;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock, F
 * SipHash-2-4 keyed from the caller's (seeded, so tests are deterministic) random source.
 * The same keyed hash derives per-connection timestamp offsets and SYN cookie MACs.
 */
public class IsnGenerator {
    private final long k0;
    private final long k1;

    public IsnGenerator(RandomGenerator keySource) {
        this.k0 = keySource.nextLong();
        this.k1 = keySource.nextLong();
    }

    /** For scripted tests: every ISN is {@code isn}, timestamp offsets are zero; cookies stay keyed. */
    public static IsnGenerator fixed(int isn, RandomGenerator keySource) {
        return new IsnGenerator(keySource) {
            @Override
            public int isn(int localIp, int localPort, int remoteIp, int remotePort, long now) {
                return isn;
            }

            @Override
            public int timestampOffset(int localIp, int localPort, int remoteIp, int remotePort) {
                return 0;
            }
        };
    }

    public int isn(int localIp, int localPort, int remoteIp, int remotePort, long now) {
        int clock = (int) (now / 4_000L);
        return clock + (int) hash(1, localIp, localPort, remoteIp, remotePort, 0);
    }

    /** Random per-connection offset of our TCP timestamp clock (hides uptime, as Linux does). */
    public int timestampOffset(int localIp, int localPort, int remoteIp, int remotePort) {
        return (int) hash(2, localIp, localPort, remoteIp, remotePort, 0);
    }

    /** Keyed hash for SYN cookies. */
    long hash(int domain, int localIp, int localPort, int remoteIp, int remotePort, long extra) {
        long m0 = ((long) localIp << 32) | (remoteIp & 0xFFFF_FFFFL);
        long m1 = ((long) localPort << 48) | ((long) (remotePort & 0xFFFF) << 32) | (domain & 0xFFFF_FFFFL);
        return sipHash(m0, m1, extra);
    }

    private long sipHash(long m0, long m1, long m2) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long[] words = {m0, m1, m2, 24L << 56};
        for (long m : words) {
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }
}
