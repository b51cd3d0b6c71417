package io.multistack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void ranges() {
        assertThat(ByteRange.parse(null, 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.parse("bytes=0-0", 10)).isEqualTo(new ByteRange.Part(new ByteRange(0, 0)));
        assertThat(ByteRange.parse("bytes=-20", 10)).isEqualTo(new ByteRange.Part(new ByteRange(0, 9)));
        assertThat(ByteRange.parse("bytes=5-", 10)).isEqualTo(new ByteRange.Part(new ByteRange(5, 9)));
        assertThat(ByteRange.parse("bytes=10-", 10)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=-0", 10)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThat(ByteRange.parse("bytes=0-1,3-4", 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.parse("bytes=5-2", 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.parse("items=0-1", 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.parse("bytes=a-b", 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(ByteRange.parse("bytes=+1-2", 10)).isInstanceOf(ByteRange.Whole.class);
        assertThat(new ByteRange(2, 5).contentRange(10)).isEqualTo("bytes 2-5/10");
    }

    @Test
    void mime_types() {
        assertThat(MimeTypes.of("a.HTML")).isEqualTo("text/html; charset=utf-8");
        assertThat(MimeTypes.of("a.png")).isEqualTo("image/png");
        assertThat(MimeTypes.of("a.json")).isEqualTo("application/json; charset=utf-8");
        assertThat(MimeTypes.of("Makefile")).isEqualTo("application/octet-stream");
        assertThat(MimeTypes.of("a.unknown")).isEqualTo("application/octet-stream");
    }

    @Test
    void settings_from_files_and_defaults() {
        assertThat(HttpSettings.from(Map.of())).isEqualTo(HttpSettings.DEFAULTS);
        HttpSettings parsed = HttpSettings.from(Map.of("port", "8080", "headerTimeoutSeconds", " 2 ", "listing", "true",
                "maxConnections", 5));
        assertThat(parsed.port()).isEqualTo(8080);
        assertThat(parsed.headerTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed.listing()).isTrue();
        assertThat(parsed.maxConnections()).isEqualTo(5);
        assertThatThrownBy(() -> HttpSettings.from(Map.of("port", "http"))).hasMessageContaining("port");
        assertThatThrownBy(() -> HttpSettings.from(Map.of("port", "70000"))).hasMessageContaining("port");
        assertThatThrownBy(() -> HttpSettings.from(Map.of("listing", "maybe"))).hasMessageContaining("listing");
    }

    @Test
    void access_log_line_is_combined_format_and_escaped() {
        String time = Timestamps.logTime(ZonedDateTime.of(2026, 11, 25, 18, 0, 1, 0, ZoneOffset.UTC).toInstant());
        String line = AccessLog.line(new InetSocketAddress("192.168.1.10", 5000), time, "GET /a\"b HTTP/1.1", 200, 10,
                null, "x\ny");
        assertThat(line).isEqualTo(
                "192.168.1.10 - - [25/Nov/2026:18:00:01 +0000] \"GET /a\\\"b HTTP/1.1\" 200 10 \"-\" \"x\\x0Ay\"");
    }

    @Test
    void percent_decoding_is_strict() {
        assertThat(StaticRoot.decode("a%20b")).isEqualTo("a b");
        assertThat(StaticRoot.decode("%C3%A9")).isEqualTo("é");
        assertThat(StaticRoot.decode("%C3")).isNull();
        assertThat(StaticRoot.decode("%2")).isNull();
        assertThat(StaticRoot.decode("%g0")).isNull();
        assertThat(StaticRoot.originPath("/a?b=../")).isEqualTo("/a");
        assertThat(StaticRoot.originPath("a")).isNull();
        assertThat(StaticRoot.originPath("*")).isNull();
    }
}
