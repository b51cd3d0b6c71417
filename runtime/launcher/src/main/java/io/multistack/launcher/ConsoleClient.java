package io.multistack.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code multistack client 'COMMAND'}: sends one command to the console bundle over the
 * home's UNIX socket and prints the reply.
 *
 * <p>Protocol (kept in sync with io.multistack.console): the request is the command in
 * UTF-8, ended by shutting down the client's output. The reply is a header line
 * {@code status N} (0 ok, 1 command failed, 2 rejected, 3 timed out) and then the
 * command's output in UTF-8 until the server closes the connection.
 */
final class ConsoleClient {

    private static final String HEADER = "status ";
    /** Replies are capped by the server; this only guards against a misbehaving peer. */
    private static final int MAX_REPLY_BYTES = 16 << 20;

    /** CSI escape sequences (colours, cursor moves) that Gogo commands such as grep emit. */
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");

    private final Path socket;
    private final boolean keepColours;

    /** @param keepColours pass colour sequences through (for a terminal); otherwise plain text for scripts */
    ConsoleClient(Path socket, boolean keepColours) {
        this.socket = socket;
        this.keepColours = keepColours;
    }

    static String withoutAnsi(String text) {
        return ANSI.matcher(text).replaceAll("");
    }

    int run(String command, PrintStream out, PrintStream err) {
        if (!Files.exists(socket)) {
            err.println("multistack: not running (no console socket at " + socket + ")");
            return ExitCodes.USAGE;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            IOException sendFailure = send(channel, command);
            Reply reply;
            try {
                reply = Reply.parse(readAll(Channels.newInputStream(channel)));
            } catch (IOException | IllegalArgumentException e) {
                if (sendFailure != null) {
                    throw sendFailure;
                }
                throw e;
            }
            PrintStream target = reply.status() == 0 ? out : err;
            target.print(keepColours ? reply.output() : withoutAnsi(reply.output()));
            target.flush();
            return reply.status() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (ConnectException e) {
            err.println("multistack: not running (stale console socket at " + socket + ")");
            return ExitCodes.USAGE;
        } catch (SocketException e) {
            err.println("multistack: console connection failed: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException | IllegalArgumentException e) {
            err.println("multistack: bad reply from the console: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** A refused request (too long) breaks the pipe, yet its rejection reply is still there to read. */
    private static IOException send(SocketChannel channel, String command) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.shutdownOutput();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            if (bytes.size() + n > MAX_REPLY_BYTES) {
                throw new IOException("reply larger than " + MAX_REPLY_BYTES + " bytes");
            }
            bytes.write(chunk, 0, n);
        }
        return bytes.toByteArray();
    }

    record Reply(int status, String output) {

        static Reply parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            if (eol < 0 || !text.startsWith(HEADER)) {
                throw new IllegalArgumentException("missing status line");
            }
            int status = Integer.parseInt(text.substring(HEADER.length(), eol).trim());
            return new Reply(status, text.substring(eol + 1));
        }
    }
}
