package io.multistack.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The framing of {@code bin/multistack client}, one command per connection:
 * <ul>
 * <li>request: the command in UTF-8, ended by the client shutting down its output;</li>
 * <li>reply: a header line {@code status N} (0 ok, 1 command failed, 2 rejected,
 * 3 timed out), then the output in UTF-8 until the server closes the connection.</li>
 * </ul>
 * The launcher's ConsoleClient speaks the other side; keep both in step.
 */
final class ConsoleProtocol {

    private ConsoleProtocol() {
    }

    /** Thrown when the client sends more than the limit allows. */
    static final class RequestTooLong extends IOException {
        RequestTooLong(int limit) {
            super("command longer than " + limit + " bytes");
        }
    }

    /**
     * Reads the whole request, refusing to buffer more than {@code maxBytes}. An oversized
     * request is still read to its end (and dropped): closing a UNIX socket with unread
     * input resets the connection, and the client would lose the reply saying why.
     */
    static String readCommand(ReadableByteChannel channel, int maxBytes) throws IOException {
        // One spare byte tells "exactly at the limit" from "over it".
        ByteBuffer buffer = ByteBuffer.allocate(maxBytes + 1);
        while (channel.read(buffer) >= 0) {
            if (!buffer.hasRemaining()) {
                discardRest(channel);
                throw new RequestTooLong(maxBytes);
            }
        }
        buffer.flip();
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }

    private static void discardRest(ReadableByteChannel channel) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate(4096);
        while (channel.read(scratch) >= 0) {
            scratch.clear();
        }
    }

    static ByteBuffer encode(Reply reply) {
        return StandardCharsets.UTF_8.encode("status " + reply.status().code + "\n" + reply.output());
    }

    static void writeReply(WritableByteChannel channel, Reply reply) throws IOException {
        ByteBuffer bytes = encode(reply);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
