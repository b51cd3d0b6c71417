package io.multistack.http;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tenant's access log in the combined format (as Apache and nginx write it):
 * {@code host - - [time] "request line" status bytes "referer" "user-agent"}.
 * Lines are appended from the event loop into a buffer; {@link #flush} (called about once a
 * second) and {@link #close} write it out, so a request never waits for the disk.
 */
final class AccessLog implements Closeable {
    private final Writer out;

    AccessLog(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out = new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                StandardCharsets.UTF_8), 64 * 1024);
    }

    /** An access log that writes into any writer (for tests). */
    AccessLog(Writer out) {
        this.out = out;
    }

    /** One line; {@code time} as {@link Timestamps#logTime()} gives it. */
    static String line(SocketAddress client, String time, String requestLine, int status, long bytes,
            String referer, String userAgent) {
        return host(client) + " - - [" + time + "] \"" + escape(requestLine) + "\" " + status + " "
                + (bytes > 0 ? Long.toString(bytes) : "-") + " \"" + (referer == null ? "-" : escape(referer))
                + "\" \"" + (userAgent == null ? "-" : escape(userAgent)) + "\"";
    }

    synchronized void log(SocketAddress client, String time, String requestLine, int status, long bytes,
            String referer, String userAgent) {
        try {
            out.write(line(client, time, requestLine, status, bytes, referer, userAgent));
            out.write('\n');
        } catch (IOException ignored) {
            // the disk is full or gone: serving goes on without the log
        }
    }

    synchronized void flush() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // as above
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "-";
    }

    /** Quotes, backslashes and control characters escaped as nginx does, so one request is one line. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                escaped.append(String.format("\\x%02X", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
