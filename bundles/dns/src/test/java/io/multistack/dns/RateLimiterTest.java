package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private long now = 1_000_000_000L;
    private final InetAddress client = InetAddress.ofLiteral("192.168.1.10");
    private final InetAddress other = InetAddress.ofLiteral("192.168.1.11");

    private int allowed(RateLimiter limiter, InetAddress address, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += limiter.allow(address) ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void aBurstOfOneSecondsWorthThenNothingUntilRefilled() {
        RateLimiter limiter = new RateLimiter(10, () -> now);
        assertThat(allowed(limiter, client, 25)).isEqualTo(10);
        now += 100_000_000L; // 0.1 s: one token
        assertThat(allowed(limiter, client, 5)).isEqualTo(1);
        now += 10_000_000_000L; // long idle: refilled to the burst, not beyond
        assertThat(allowed(limiter, client, 25)).isEqualTo(10);
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(5, () -> now);
        assertThat(allowed(limiter, client, 10)).isEqualTo(5);
        assertThat(allowed(limiter, other, 10)).isEqualTo(5);
    }

    @Test
    void zeroTurnsLimitingOff() {
        RateLimiter limiter = new RateLimiter(0, () -> now);
        assertThat(allowed(limiter, client, 1000)).isEqualTo(1000);
        assertThat(limiter.clients()).isZero();
    }

    @Test
    void memoryStaysBoundedUnderManySources() throws Exception {
        RateLimiter limiter = new RateLimiter(100, () -> now);
        for (int i = 0; i < 3 * RateLimiter.MAX_CLIENTS; i++) {
            byte[] address = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            limiter.allow(InetAddress.getByAddress(address));
            now += 1_000_000L;
        }
        assertThat(limiter.clients()).isLessThanOrEqualTo(RateLimiter.MAX_CLIENTS);
    }
}
