package io.multistack.http;

import io.netty.handler.codec.DateFormatter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;

/**
 * The current time as the Date header and the access log write it. Both have a resolution of
 * a second, so each is formatted once a second and shared by every response of that second.
 */
final class Timestamps {
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US)
            .withZone(ZoneOffset.UTC);

    private long second = Long.MIN_VALUE;
    private String httpDate;
    private String logTime;

    /** For the Date header, e.g. {@code Wed, 25 Nov 2026 18:00:01 GMT}. */
    synchronized String httpDate() {
        refresh();
        return httpDate;
    }

    /** For the combined log format, e.g. {@code 25/Nov/2026:18:00:01 +0000}. */
    synchronized String logTime() {
        refresh();
        return logTime;
    }

    static String logTime(Instant time) {
        return LOG_TIME.format(time);
    }

    private void refresh() {
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            httpDate = DateFormatter.format(new Date(now * 1000));
            logTime = logTime(Instant.ofEpochSecond(now));
        }
    }
}
