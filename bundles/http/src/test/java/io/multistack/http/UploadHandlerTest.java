package io.multistack.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.uploads.UploadWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT on the whole pipeline (EmbeddedChannel), with a disk the test runs by hand when it wants to. */
class UploadHandlerTest {
    static final HttpSettings ENABLED = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192,
            4096, 1 << 20, false, true, 64L << 20);

    @TempDir
    Path base;
    Path www;

    @BeforeEach
    void site() throws Exception {
        www = Files.createDirectories(base.resolve("www"));
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("old.txt"), "old contents");
        Files.writeString(base.resolve("secret"), "SECRET");
    }

    static String put(String target, long length, String... headers) {
        return "PUT " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + length + "\r\n" + String.join("", headers)
                + "\r\n";
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** The files in www whose name is a temporary's: none may stay after any upload. */
    List<Path> temporaries() throws Exception {
        try (Stream<Path> files = Files.walk(www)) {
            return files.filter(f -> f.getFileName().toString().startsWith(AtomicFile.TEMPORARY_PREFIX)).toList();
        }
    }

    @Test
    void disabled_by_default_403_and_nothing_written() throws Exception {
        Upload upload = new Upload(HttpSettings.DEFAULTS);
        upload.send(put("/new.txt", 5) + "hello");
        Response response = upload.only();
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(www.resolve("new.txt")).doesNotExist();
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void new_file_201_byte_exact_in_several_reads() throws Exception {
        byte[] body = random(3 * RequestHandler.CHUNK + 77);
        Upload upload = new Upload(ENABLED);
        upload.send(put("/sub/new.bin", body.length));
        for (int at = 0; at < body.length; at += 10_000) {
            upload.send(java.util.Arrays.copyOfRange(body, at, Math.min(body.length, at + 10_000)));
        }
        Response response = upload.only();
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.header("location")).isEqualTo("/sub/new.bin");
        assertThat(response.header("content-length")).isEqualTo("0");
        assertThat(Files.readAllBytes(www.resolve("sub/new.bin"))).isEqualTo(body);
        assertThat(temporaries()).isEmpty();
        assertThat(upload.log.toString()).contains("\"PUT /sub/new.bin HTTP/1.1\" 201 -");
    }

    @Test
    void replacing_a_file_204_without_content_length_and_the_connection_stays() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.send(put("/old.txt", 3) + "new" + RequestHandlerTest.get("/old.txt"));
        List<Response> responses = upload.responses();
        assertThat(responses).extracting(Response::status).containsExactly(204, 200);
        assertThat(responses.get(0).header("content-length")).isNull();
        assertThat(responses.get(1).body()).isEqualTo("new");
        assertThat(upload.channel.isActive()).isTrue();
    }

    @Test
    void declared_length_above_the_limit_413_at_once() throws Exception {
        HttpSettings small = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192, 4096,
                1 << 20, false, true, 100);
        Upload upload = new Upload(small);
        upload.send(put("/big.bin", 101));
        Response response = upload.only();
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(www.resolve("big.bin")).doesNotExist();
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void chunked_body_outgrowing_the_limit_413_and_no_file() throws Exception {
        HttpSettings small = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192, 4096,
                1 << 20, false, true, 100);
        Upload upload = new Upload(small);
        upload.send("PUT /big.bin HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "50\r\n" + "a".repeat(80) + "\r\n");
        assertThat(temporaries()).hasSize(1); // being written
        upload.send("50\r\n" + "b".repeat(80) + "\r\n0\r\n\r\n");
        assertThat(upload.only().status()).isEqualTo(413);
        assertThat(www.resolve("big.bin")).doesNotExist();
        assertThat(temporaries()).isEmpty();
    }

    @Test
    void chunked_body_within_the_limit_is_stored() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.send("PUT /c.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(upload.only().status()).isEqualTo(201);
        assertThat(Files.readString(www.resolve("c.txt"))).isEqualTo("hello world");
    }

    @Test
    void missing_folder_or_a_folder_as_target_409() throws Exception {
        assertThat(status(put("/nowhere/x.txt", 1) + "x")).isEqualTo(409);
        assertThat(status(put("/sub/", 1) + "x")).isEqualTo(409);
        assertThat(status(put("/sub", 1) + "x")).isEqualTo(409);
        assertThat(www.resolve("nowhere")).doesNotExist();
    }

    @Test
    void traversal_refused_as_for_get() throws Exception {
        for (String target : List.of("/../secret", "/sub/../../secret", "/%2e%2e/secret", "/..%2fsecret",
                "/sub%5c..%5c..%5csecret", "/a%00b", "/%zz")) {
            assertThat(status(put(target, 4) + "EVIL")).as(target).isEqualTo(400);
            assertThat(Exchange.get(www, ENABLED, RequestHandlerTest.get(target)).status()).as("GET " + target)
                    .isEqualTo(400);
        }
        assertThat(Files.readString(base.resolve("secret"))).isEqualTo("SECRET");
    }

    @Test
    void links_leading_out_refused_403() throws Exception {
        Files.createSymbolicLink(www.resolve("out"), base);
        Files.createSymbolicLink(www.resolve("secret-link"), base.resolve("secret"));
        assertThat(status(put("/out/secret", 4) + "EVIL")).isEqualTo(403);
        assertThat(status(put("/secret-link", 4) + "EVIL")).isEqualTo(403);
        assertThat(Files.readString(base.resolve("secret"))).isEqualTo("SECRET");
    }

    @Test
    void aborted_upload_leaves_no_file_and_no_temporary() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.send(put("/old.txt", 1000) + "x".repeat(500));
        assertThat(temporaries()).hasSize(1);
        upload.channel.close();
        upload.channel.runPendingTasks();
        assertThat(temporaries()).isEmpty();
        assertThat(Files.readString(www.resolve("old.txt"))).isEqualTo("old contents");
    }

    @Test
    void reads_only_as_fast_as_the_disk_writes() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.disk.immediate = false;
        int size = (int) UploadWriter.HIGH_WATER + 3 * 65536;
        byte[] body = random(size);
        upload.send(put("/slow.bin", size));
        int at = 0;
        while (at < size && upload.channel.config().isAutoRead()) {
            int end = Math.min(size, at + 65536);
            upload.send(java.util.Arrays.copyOfRange(body, at, end));
            at = end;
        }
        assertThat(upload.channel.config().isAutoRead()).as("paused above the high-water mark").isFalse();
        assertThat(at).isLessThan(size);
        upload.disk.runAll();
        upload.channel.runPendingTasks();
        assertThat(upload.channel.config().isAutoRead()).as("reading again once the disk caught up").isTrue();
        upload.send(java.util.Arrays.copyOfRange(body, at, size));
        assertThat(upload.responses()).isEmpty(); // the rename waits for the disk too
        upload.disk.runAll();
        assertThat(upload.only().status()).isEqualTo(201);
        assertThat(Files.readAllBytes(www.resolve("slow.bin"))).isEqualTo(body);
    }

    @Test
    void segment_sized_pieces_reach_the_disk_in_runs_of_a_mebibyte() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.disk.immediate = false;
        int size = 3 * (int) UploadWriter.BATCH_BYTES + 1000;
        byte[] body = random(size);
        upload.send(put("/runs.bin", size));
        for (int at = 0; at < size; at += 1398) { // one TCP segment's payload at a time
            upload.send(java.util.Arrays.copyOfRange(body, at, Math.min(size, at + 1398)));
        }
        // a run closes at the first piece that takes it to a MiB (751 pieces): the writer's first
        // step, two runs, the rest, the rename
        assertThat(upload.disk.tasks).hasSize(5);
        upload.disk.runAll();
        assertThat(upload.only().status()).isEqualTo(201);
        assertThat(Files.readAllBytes(www.resolve("runs.bin"))).isEqualTo(body);
    }

    @Test
    void an_upload_in_progress_is_neither_listed_nor_served_nor_a_target() throws Exception {
        HttpSettings listingToo = new HttpSettings(80, 10, Duration.ofSeconds(10), Duration.ofSeconds(60), 8192,
                4096, 1 << 20, true, true, 64L << 20);
        Upload writing = new Upload(listingToo);
        writing.send(put("/new.bin", 1000) + "x".repeat(500));
        String temporary = temporaries().getFirst().getFileName().toString();

        Upload reader = new Upload(listingToo);
        reader.send("GET /" + temporary + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(reader.only().status()).isEqualTo(404);
        Upload lister = new Upload(listingToo);
        lister.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(lister.only().body()).contains("old.txt").doesNotContain(temporary);
        Upload intruder = new Upload(listingToo);
        intruder.send(put("/" + temporary, 4) + "EVIL");
        assertThat(intruder.only().status()).isEqualTo(403);

        writing.send("y".repeat(500));
        assertThat(writing.only().status()).isEqualTo(201);
        assertThat(Files.readString(www.resolve("new.bin"))).isEqualTo("x".repeat(500) + "y".repeat(500));
    }

    @Test
    void expect_continue_answered_before_the_body() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.send(put("/e.txt", 2, "Expect: 100-continue\r\n"));
        Response interim = upload.only();
        assertThat(interim.status()).isEqualTo(100);
        upload.send("ok");
        assertThat(upload.only().status()).isEqualTo(201);
    }

    @Test
    void refused_upload_gets_no_continue() throws Exception {
        Upload upload = new Upload(HttpSettings.DEFAULTS);
        upload.send(put("/e.txt", 2, "Expect: 100-continue\r\n"));
        assertThat(upload.only().status()).isEqualTo(403);
    }

    @Test
    void header_timeout_does_not_cut_a_body_that_keeps_coming() throws Exception {
        Upload upload = new Upload(ENABLED);
        upload.send(put("/long.txt", 30));
        for (int i = 0; i < 3; i++) {
            upload.advance(8); // 24 s in all, beyond the 10 s header timeout
            upload.send("0123456789");
        }
        assertThat(upload.only().status()).isEqualTo(201);
        assertThat(Files.readString(www.resolve("long.txt"))).isEqualTo("012345678901234567890123456789");
    }

    @Test
    void responses_keep_request_order_behind_a_streamed_file() throws Exception {
        Files.write(www.resolve("large.bin"), random(3 * RequestHandler.CHUNK));
        Upload upload = new Upload(ENABLED);
        upload.send(RequestHandlerTest.get("/large.bin") + RequestHandlerTest.get("/old.txt") + put("/old.txt", 3)
                + "new");
        List<Response> responses = upload.responses();
        assertThat(responses).extracting(Response::status).containsExactly(200, 200, 204);
        assertThat(responses.get(1).body()).isEqualTo("old contents");
    }

    @Test
    void settings_keys() {
        HttpSettings parsed = HttpSettings.from(Map.of("upload", "true", "uploadMaxBytes", "0"));
        assertThat(parsed.upload()).isTrue();
        assertThat(parsed.uploadMaxBytes()).isZero();
        assertThat(HttpSettings.DEFAULTS.upload()).isFalse();
        assertThat(HttpSettings.DEFAULTS.uploadMaxBytes()).isEqualTo(1L << 30);
    }

    int status(String raw) throws Exception {
        return new Upload(ENABLED).send(raw).only().status();
    }

    /** A disk the test runs: at once, or when it says so. */
    static final class ManualDisk extends AbstractExecutorService {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean immediate = true;
        boolean shutdown;

        @Override
        public void execute(Runnable task) {
            if (immediate) {
                task.run();
            } else {
                tasks.add(task);
            }
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && tasks.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return isTerminated();
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One connection to the pipeline: raw bytes in, responses out (1xx included). */
    final class Upload {
        final EmbeddedChannel channel;
        final StringWriter log = new StringWriter();
        final ManualDisk disk = new ManualDisk();
        private final StringBuilder pending = new StringBuilder();

        Upload(HttpSettings settings) throws Exception {
            Site site = new Site(new StaticRoot(www), settings, new AccessLog(log), new Timestamps());
            channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    HttpServer.pipeline(ch.pipeline(), site, () -> disk);
                }
            });
            channel.freezeTime();
        }

        Upload send(String raw) {
            return send(raw.getBytes(StandardCharsets.ISO_8859_1));
        }

        Upload send(byte[] raw) {
            channel.writeInbound(Unpooled.wrappedBuffer(raw));
            channel.runPendingTasks();
            return this;
        }

        void advance(long seconds) {
            channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
        }

        List<Response> responses() {
            channel.runPendingTasks();
            for (Object out; (out = channel.readOutbound()) != null; ) {
                io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) out;
                pending.append(buf.toString(StandardCharsets.ISO_8859_1));
                buf.release();
            }
            List<Response> parsed = new ArrayList<>();
            for (int end; (end = pending.indexOf("\r\n\r\n")) >= 0; ) {
                String[] lines = pending.substring(0, end).split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                int length = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
                if (pending.length() < end + 4 + length) {
                    break;
                }
                parsed.add(new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                        pending.substring(end + 4, end + 4 + length)));
                pending.delete(0, end + 4 + length);
            }
            return parsed;
        }

        Response only() {
            List<Response> all = responses();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }
}
