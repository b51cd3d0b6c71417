package io.multistack.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestHandlerTest {
    static final String INDEX = "<html>tenant A</html>\n";
    static final HttpSettings SETTINGS = HttpSettings.DEFAULTS;

    @TempDir
    Path base;
    Path www;
    byte[] large;

    @BeforeEach
    void site() throws Exception {
        www = Files.createDirectories(base.resolve("www"));
        Files.writeString(www.resolve("index.html"), INDEX);
        Files.writeString(www.resolve("hello.txt"), "0123456789");
        Files.setLastModifiedTime(www.resolve("hello.txt"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        large = new byte[3 * RequestHandler.CHUNK + 123];
        new Random(1).nextBytes(large);
        Files.write(www.resolve("large.bin"), large);
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/a.css"), "a{}");
        Files.writeString(base.resolve("secret"), "SECRET");
    }

    static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + String.join("", headers) + "\r\n";
    }

    Exchange.Response one(String raw) throws Exception {
        return Exchange.get(www, SETTINGS, raw);
    }

    @Nested
    class Files_ {
        @Test
        void index_html_for_the_root() throws Exception {
            Exchange.Response response = one(get("/"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(INDEX);
            assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(response.header("content-length")).isEqualTo(String.valueOf(INDEX.length()));
            assertThat(response.header("etag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
            assertThat(response.header("last-modified")).endsWith("GMT");
            assertThat(response.header("accept-ranges")).isEqualTo("bytes");
            assertThat(response.header("date")).matches("\\w{3}, \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT");
            assertThat(response.header("server")).isEqualTo("multistack");
        }

        @Test
        void large_file_streamed_byte_exact() throws Exception {
            Exchange.Response response = one(get("/large.bin"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(response.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(large);
        }

        @Test
        void head_has_the_length_but_no_body() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS);
            exchange.lastWasHead = true;
            exchange.send("HEAD /large.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            Exchange.Response response = exchange.only();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("content-length")).isEqualTo(String.valueOf(large.length));
            assertThat(exchange.responses()).isEmpty();
            assertThat(exchange.channel.isOpen()).isTrue();
        }

        @Test
        void missing_file_is_404_and_the_connection_stays() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/nope.html"));
            assertThat(exchange.only().status()).isEqualTo(404);
            assertThat(exchange.channel.isOpen()).isTrue();
        }

        @Test
        void directory_without_slash_is_redirected() throws Exception {
            Exchange.Response response = one(get("/sub"));
            assertThat(response.status()).isEqualTo(301);
            assertThat(response.header("location")).isEqualTo("/sub/");
        }

        @Test
        void directory_without_index_is_forbidden_unless_listing() throws Exception {
            assertThat(one(get("/sub/")).status()).isEqualTo(403);
            HttpSettings listing = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192,
                    4096, 1 << 20, true);
            Exchange.Response listed = Exchange.get(www, listing, get("/sub/"));
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.body()).contains("<a href=\"a.css\">a.css</a>").contains("Index of /sub/");
        }

        @Test
        void query_is_ignored() throws Exception {
            assertThat(one(get("/hello.txt?x=1")).body()).isEqualTo("0123456789");
        }
    }

    @Nested
    class Ranges {
        @Test
        void a_range_is_206_with_those_bytes() throws Exception {
            Exchange.Response response = one(get("/hello.txt", "Range: bytes=2-5\r\n"));
            assertThat(response.status()).isEqualTo(206);
            assertThat(response.header("content-range")).isEqualTo("bytes 2-5/10");
            assertThat(response.body()).isEqualTo("2345");
        }

        @Test
        void suffix_and_open_ranges() throws Exception {
            assertThat(one(get("/hello.txt", "Range: bytes=-3\r\n")).body()).isEqualTo("789");
            assertThat(one(get("/hello.txt", "Range: bytes=7-\r\n")).body()).isEqualTo("789");
            assertThat(one(get("/hello.txt", "Range: bytes=8-100\r\n")).body()).isEqualTo("89");
        }

        @Test
        void a_range_of_a_large_file_is_streamed() throws Exception {
            int first = RequestHandler.CHUNK - 10;
            int last = 2 * RequestHandler.CHUNK + 10;
            Exchange.Response response = one(get("/large.bin", "Range: bytes=" + first + "-" + last + "\r\n"));
            assertThat(response.status()).isEqualTo(206);
            assertThat(response.body().getBytes(StandardCharsets.ISO_8859_1))
                    .isEqualTo(java.util.Arrays.copyOfRange(large, first, last + 1));
        }

        @Test
        void beyond_the_end_is_416() throws Exception {
            Exchange.Response response = one(get("/hello.txt", "Range: bytes=10-20\r\n"));
            assertThat(response.status()).isEqualTo(416);
            assertThat(response.header("content-range")).isEqualTo("bytes */10");
        }

        @Test
        void if_range_with_another_etag_sends_everything() throws Exception {
            Exchange.Response response = one(get("/hello.txt", "Range: bytes=2-5\r\n", "If-Range: \"other\"\r\n"));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("0123456789");
        }
    }

    @Nested
    class Conditional {
        @Test
        void if_none_match_with_the_etag_is_304() throws Exception {
            String etag = one(get("/hello.txt")).header("etag");
            Exchange.Response response = one(get("/hello.txt", "If-None-Match: " + etag + "\r\n"));
            assertThat(response.status()).isEqualTo(304);
            assertThat(response.header("etag")).isEqualTo(etag);
            assertThat(one(get("/hello.txt", "If-None-Match: W/" + etag + "\r\n")).status()).isEqualTo(304);
            assertThat(one(get("/hello.txt", "If-None-Match: \"x\"\r\n")).status()).isEqualTo(200);
        }

        @Test
        void if_modified_since() throws Exception {
            assertThat(one(get("/hello.txt", "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT\r\n")).status())
                    .isEqualTo(304);
            assertThat(one(get("/hello.txt", "If-Modified-Since: Fri, 02 Jan 2026 03:04:04 GMT\r\n")).status())
                    .isEqualTo(200);
        }

        @Test
        void if_none_match_wins_over_if_modified_since() throws Exception {
            assertThat(one(get("/hello.txt", "If-None-Match: \"x\"\r\n",
                    "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT\r\n")).status()).isEqualTo(200);
        }
    }

    @Nested
    class Traversal {
        @Test
        void every_way_out_is_refused() throws Exception {
            Files.createSymbolicLink(www.resolve("out"), base.resolve("secret"));
            Files.createSymbolicLink(www.resolve("outdir"), base);
            for (String target : List.of("/../secret", "/../../etc/passwd", "/%2e%2e/secret", "/%2E%2E/%2e%2e/etc/passwd",
                    "/sub/..%2f..%2fsecret", "/..%5csecret", "/sub/%2e%2e/%2e%2e/secret", "/%00", "/a%00.html",
                    "/..\\secret", "/out", "/outdir/secret", "/%zz")) {
                Exchange.Response response = one(get(target));
                assertThat(response.status()).as(target).isIn(400, 403, 404);
                assertThat(response.body()).as(target).doesNotContain("SECRET");
            }
        }

        @Test
        void double_slashes_stay_inside() throws Exception {
            assertThat(one(get("//hello.txt")).body()).isEqualTo("0123456789");
            assertThat(one(get("//etc/passwd")).status()).isEqualTo(404);
        }

        @Test
        void absolute_form_target_uses_its_path() throws Exception {
            assertThat(one(get("http://t/hello.txt")).body()).isEqualTo("0123456789");
        }

        @Test
        void an_index_that_links_out_of_the_root_is_refused() throws Exception {
            Files.createDirectories(www.resolve("linked"));
            Files.createSymbolicLink(www.resolve("linked").resolve("index.html"), base.resolve("secret"));
            Exchange.Response response = one(get("/linked/"));
            assertThat(response.body()).doesNotContain("SECRET");
            assertThat(one(get("/linked/index.html")).status()).isEqualTo(403);
        }

        @Test
        void a_link_inside_the_root_is_served() throws Exception {
            Files.createSymbolicLink(www.resolve("in"), www.resolve("hello.txt"));
            assertThat(one(get("/in")).body()).isEqualTo("0123456789");
        }
    }

    @Nested
    class Limits {
        @Test
        void long_request_line_is_414() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/" + "a".repeat(5000)));
            assertThat(exchange.only().status()).isEqualTo(414);
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void large_headers_are_431() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/", "X-Big: " + "b".repeat(9000) + "\r\n"));
            assertThat(exchange.only().status()).isEqualTo(431);
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void declared_body_over_the_limit_is_413() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS)
                    .send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n");
            assertThat(exchange.only().status()).isEqualTo(413);
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void chunked_body_over_the_limit_is_413() throws Exception {
            HttpSettings small = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192, 4096,
                    100, false);
            Exchange exchange = new Exchange(www, small)
                    .send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .send("c8\r\n" + "x".repeat(200) + "\r\n");
            assertThat(exchange.only().status()).isEqualTo(413);
        }

        @Test
        void other_methods_are_405_with_allow() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS)
                    .send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            Exchange.Response response = exchange.only();
            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).isEqualTo("GET, HEAD");
            assertThat(exchange.channel.isOpen()).isTrue();
        }

        @Test
        void with_uploads_on_allow_names_put() throws Exception {
            Exchange exchange = new Exchange(www, UploadHandlerTest.ENABLED)
                    .send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            Exchange.Response response = exchange.only();
            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("allow")).isEqualTo("GET, HEAD, PUT");
        }

        @Test
        void malformed_request_is_400_and_closed() throws Exception {
            for (String raw : List.of("HELLO\r\n\r\n", "GET / HTTP/9.9x\r\n\r\n", "GET / HTTP/1.1\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n")) {
                Exchange exchange = new Exchange(www, SETTINGS).send(raw);
                assertThat(exchange.only().status()).as(raw).isEqualTo(400);
                assertThat(exchange.channel.isOpen()).as(raw).isFalse();
            }
        }

        @Test
        void slow_loris_gets_408_at_the_header_timeout() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send("GET / HTTP/1.1\r\nHo");
            exchange.advance(5);
            exchange.send("st: t\r\nX-A: 1\r\n");
            exchange.advance(4);
            assertThat(exchange.responses()).isEmpty();
            exchange.advance(2);
            assertThat(exchange.only().status()).isEqualTo(408);
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void the_header_timeout_starts_again_with_the_next_request() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/hello.txt"));
            assertThat(exchange.only().status()).isEqualTo(200);
            exchange.advance(30); // idle between requests: no 408
            assertThat(exchange.channel.isOpen()).isTrue();
            exchange.send("GET /hello.txt HTTP/1.1\r\n");
            exchange.advance(11);
            assertThat(exchange.only().status()).isEqualTo(408);
        }

        @Test
        void a_pipelined_partial_request_is_timed_from_the_previous_ones_end() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/hello.txt") + "GET /hello.txt HTTP/1.1\r\nHo");
            assertThat(exchange.only().status()).isEqualTo(200);
            exchange.advance(11);
            assertThat(exchange.only().status()).isEqualTo(408);
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void idle_connection_is_closed_at_the_idle_timeout() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/hello.txt"));
            exchange.responses();
            exchange.advance(59);
            assertThat(exchange.channel.isOpen()).isTrue();
            exchange.advance(2);
            assertThat(exchange.channel.isOpen()).isFalse();
        }
    }

    @Nested
    class Connections {
        @Test
        void pipelined_responses_come_in_request_order() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS)
                    .send(get("/hello.txt") + get("/large.bin") + get("/index.html") + get("/nope"));
            List<Exchange.Response> responses = exchange.responses();
            assertThat(responses).extracting(Exchange.Response::status).containsExactly(200, 200, 200, 404);
            assertThat(responses.get(0).body()).isEqualTo("0123456789");
            assertThat(responses.get(1).body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(large);
            assertThat(responses.get(2).body()).isEqualTo(INDEX);
        }

        @Test
        void a_client_that_does_not_read_stops_the_file_being_read() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS);
            // the channel's send buffer is full: what a slow reader causes on a real connection
            exchange.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            exchange.send(get("/large.bin"));
            long sent = 0;
            for (Object out; (out = exchange.channel.readOutbound()) != null; ) {
                sent += ((io.netty.buffer.ByteBuf) out).readableBytes();
                io.netty.util.ReferenceCountUtil.release(out);
            }
            assertThat(sent).as("bytes queued while the client does not read").isLessThan(RequestHandler.CHUNK + 1024);
            exchange.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            exchange.channel.runPendingTasks();
            for (Object out; (out = exchange.channel.readOutbound()) != null; ) {
                sent += ((io.netty.buffer.ByteBuf) out).readableBytes();
                io.netty.util.ReferenceCountUtil.release(out);
            }
            assertThat(sent).as("everything once the client reads again").isGreaterThan(large.length);
        }

        @Test
        void pipelined_file_requests_wait_while_a_body_streams() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS);
            exchange.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            exchange.send(get("/large.bin") + get("/large.bin", "Range: bytes=0-9\r\n") + get("/large.bin"));
            String sent = drain(exchange);
            assertThat(sent.split("HTTP/1.1 ", -1)).as("responses started while the first body waits").hasSize(2);
            // the file is replaced meanwhile: the waiting requests have not opened it yet
            Path replacement = base.resolve("replacement");
            Files.writeString(replacement, "new content");
            Files.move(replacement, www.resolve("large.bin"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            exchange.channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            exchange.channel.runPendingTasks();
            List<Exchange.Response> responses = new Exchange(www, SETTINGS).parse(sent + drain(exchange));
            assertThat(responses).extracting(Exchange.Response::status).containsExactly(200, 206, 200);
            assertThat(responses.get(0).body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(large);
            assertThat(responses.get(1).body()).isEqualTo("new conten");
            assertThat(responses.get(2).body()).isEqualTo("new content");
        }

        private static String drain(Exchange exchange) {
            StringBuilder out = new StringBuilder();
            for (Object msg; (msg = exchange.channel.readOutbound()) != null; ) {
                out.append(((io.netty.buffer.ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                io.netty.util.ReferenceCountUtil.release(msg);
            }
            return out.toString();
        }

        @Test
        void connection_close_is_honoured() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS).send(get("/hello.txt", "Connection: close\r\n"));
            assertThat(exchange.only().header("connection")).isEqualTo("close");
            assertThat(exchange.channel.isOpen()).isFalse();
        }

        @Test
        void http_1_0_closes_unless_keep_alive() throws Exception {
            Exchange plain = new Exchange(www, SETTINGS).send("GET /hello.txt HTTP/1.0\r\n\r\n");
            assertThat(plain.only().status()).isEqualTo(200);
            assertThat(plain.channel.isOpen()).isFalse();
            Exchange kept = new Exchange(www, SETTINGS).send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(kept.only().header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(kept.channel.isOpen()).isTrue();
        }

        @Test
        void requests_are_logged_in_combined_format() throws Exception {
            Exchange exchange = new Exchange(www, SETTINGS)
                    .send(get("/hello.txt", "User-Agent: curl/8\r\n", "Referer: http://r/\r\n"));
            exchange.responses();
            assertThat(exchange.log.toString()).matches(
                    "(?s)\\S+ - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\\] \"GET /hello.txt HTTP/1.1\" 200 10 \"http://r/\" \"curl/8\"\n");
        }
    }
}
