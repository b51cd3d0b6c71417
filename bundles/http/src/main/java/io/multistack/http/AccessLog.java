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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A tenant's access log in the combined format (as Apache and nginx write it):
 * {@code host - - [time] "request line" status bytes "referer" "user-agent"}.
 * Lines are appended from the event loop into a buffer, which is written out a second after
 * its first line (and at {@link #close}), so a request never waits for the disk. The file is
 * opened and the buffer allocated on the first line: a tenant nobody visits holds neither a
 * file descriptor nor a buffer, and no timer runs for it.
 */
final class AccessLog implements Closeable {
    /** Characters buffered before a write; a second's worth of lines of a busy tenant. */
    static final int BUFFER_CHARS = 16 * 1024;
    static final long FLUSH_DELAY_MILLIS = 1000;

    /** Opens the writer; called once, on the first line. */
    interface Opener {
        Writer open() throws IOException;
    }

    private final Opener opener;
    private final ScheduledExecutorService flusher;
    private Writer out;
    private boolean flushScheduled;
    private boolean closed;

    /**
     * @param flusher where the delayed flush runs (the tenant's event loop: no thread of its own)
     */
    AccessLog(Path file, ScheduledExecutorService flusher) {
        this(() -> {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                    StandardCharsets.UTF_8), BUFFER_CHARS);
        }, flusher);
    }

    /** An access log that writes into any writer, unbuffered and without a flush timer (for tests). */
    AccessLog(Writer out) {
        this(() -> out, null);
    }

    AccessLog(Opener opener, ScheduledExecutorService flusher) {
        this.opener = opener;
        this.flusher = flusher;
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
        if (closed) {
            return;
        }
        try {
            if (out == null) {
                out = opener.open();
            }
            out.write(line(client, time, requestLine, status, bytes, referer, userAgent));
            out.write('\n');
            scheduleFlush();
        } catch (IOException ignored) {
            // the disk is full or gone: serving goes on without the log
        }
    }

    /** Writes out what is buffered. */
    synchronized void flush() {
        flushScheduled = false;
        if (out == null || closed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException ignored) {
            // as above
        }
    }

    /** True once the first line has opened the file (for tests). */
    synchronized boolean isOpen() {
        return out != null && !closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private void scheduleFlush() {
        if (flushScheduled || flusher == null) {
            return;
        }
        try {
            flusher.schedule(this::flush, FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            flushScheduled = true;
        } catch (RejectedExecutionException stopped) {
            flush();
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
