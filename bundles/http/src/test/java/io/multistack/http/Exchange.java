package io.multistack.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One connection to an HTTP server pipeline on an EmbeddedChannel: raw bytes in, parsed responses out. */
final class Exchange {
    final EmbeddedChannel channel;
    final StringWriter log = new StringWriter();
    private final StringBuilder pending = new StringBuilder();

    Exchange(Path www, HttpSettings settings) throws Exception {
        Site site = new Site(new StaticRoot(www), settings, new AccessLog(log), new Timestamps());
        channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                HttpServer.pipeline(ch.pipeline(), site);
            }
        });
        channel.freezeTime();
    }

    Exchange send(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        return this;
    }

    void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** Every complete response written so far (and not returned before). */
    List<Response> responses() {
        channel.runPendingTasks();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            pending.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        List<Response> parsed = new ArrayList<>();
        for (Response next; (next = parseOne()) != null; ) {
            parsed.add(next);
        }
        return parsed;
    }

    /** Parses responses from raw bytes read elsewhere. */
    List<Response> parse(String raw) {
        pending.append(raw);
        List<Response> parsed = new ArrayList<>();
        for (Response next; (next = parseOne()) != null; ) {
            parsed.add(next);
        }
        return parsed;
    }

    Response only() {
        List<Response> all = responses();
        if (all.size() != 1) {
            throw new AssertionError("expected one response, got " + all.size() + ": " + all);
        }
        return all.get(0);
    }

    static Response get(Path www, HttpSettings settings, String raw) throws Exception {
        return new Exchange(www, settings).send(raw).only();
    }

    private Response parseOne() {
        int end = pending.indexOf("\r\n\r\n");
        if (end < 0) {
            return null;
        }
        String[] lines = pending.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String head = lines[0];
        boolean noBody = status == 304 || lastWasHead;
        int length = noBody || !headers.containsKey("content-length") ? 0
                : Integer.parseInt(headers.get("content-length"));
        if (pending.length() < end + 4 + length) {
            return null;
        }
        String body = pending.substring(end + 4, end + 4 + length);
        pending.delete(0, end + 4 + length);
        return new Response(head, status, headers, body);
    }

    /** Set when the request was a HEAD, whose response has a Content-Length but no body. */
    boolean lastWasHead;

    record Response(String statusLine, int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }
}
