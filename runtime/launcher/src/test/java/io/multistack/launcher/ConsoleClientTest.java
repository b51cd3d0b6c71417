package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a stand-in console that answers one connection with a canned reply. */
class ConsoleClientTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private ServerSocketChannel server;

    @AfterEach
    void closeServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void printsTheOutputOfASuccessfulCommand() throws Exception {
        CompletableFuture<String> received = serveOnce("status 0\nA  600  up\n");
        assertThat(run("tenant:list")).isEqualTo(ExitCodes.OK);
        assertThat(received.get()).isEqualTo("tenant:list");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("A  600  up\n");
        assertThat(err.size()).isZero();
    }

    @Test
    void aFailedCommandGoesToStandardErrorWithANonZeroStatus() throws Exception {
        serveOnce("status 1\ngogo: CommandNotFoundException: Command not found: nosuchcommand\n");
        assertThat(run("nosuchcommand")).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Command not found: nosuchcommand");
        assertThat(out.size()).isZero();
    }

    @Test
    void rejectionsAndTimeoutsAreFailuresToo() throws Exception {
        serveOnce("status 3\nconsole: timed out after 120 s\n");
        assertThat(run("net:ping A 192.168.1.10 1000")).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void coloursAreStrippedForScripts() throws Exception {
        serveOnce("status 0\n   9|Active|\u001B[31;1mJLine\u001B[0m Bundle\n");
        assertThat(run("lb | grep JLine")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("   9|Active|JLine Bundle\n");
    }

    @Test
    void saysClearlyWhenNothingIsRunning() {
        assertThat(run("lb")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not running").contains("console.sock");
    }

    @Test
    void aSocketLeftByADeadApplianceMeansNotRunning() throws IOException {
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket()));
        dead.close(); // the file stays, nobody listens
        assertThat(socket()).exists();
        assertThat(run("lb")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not running");
    }

    @Test
    void aGarbledReplyIsAFailure() throws Exception {
        serveOnce("hello\n");
        assertThat(run("lb")).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad reply");
    }

    private int run(String command) {
        return new ConsoleClient(socket(), false).run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path socket() {
        return dir.resolve("console.sock");
    }

    /** Reads the request to its end, answers {@code reply}, and hands back what it read. */
    private CompletableFuture<String> serveOnce(String reply) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket()));
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel client = server.accept()) {
                String request = new String(Channels.newInputStream(client).readAllBytes(), StandardCharsets.UTF_8);
                client.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                return request;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
