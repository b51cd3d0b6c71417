package io.multistack.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on a real UNIX socket, with a stand-in runner. */
class ConsoleServerTest {

    private static final ConsoleLimits LIMITS =
            new ConsoleLimits(64, 4096, Duration.ofSeconds(5), Duration.ofSeconds(5), 2);

    @TempDir
    Path dir;

    private ConsoleServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void runsOneCommandPerConnection() throws IOException {
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.OK, "ran " + command + "\n"), LIMITS);
        assertThat(send("tenant:list")).isEqualTo("status 0\nran tenant:list\n");
        assertThat(send("flow:table")).isEqualTo("status 0\nran flow:table\n");
    }

    @Test
    void theSocketIsTheOwnersAloneAndGoesAwayOnClose() throws IOException {
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.OK, ""), LIMITS);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket()))).isEqualTo("rw-------");
        server.close();
        assertThat(socket()).doesNotExist();
        server = null;
    }

    @Test
    void aStaleSocketFileIsReplaced() throws IOException {
        Files.createFile(socket());
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.OK, "fresh\n"), LIMITS);
        assertThat(send("x")).isEqualTo("status 0\nfresh\n");
    }

    @Test
    void failuresKeepTheirStatus() throws IOException {
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.FAILED, "gogo: no\n"), LIMITS);
        assertThat(send("nosuchcommand")).isEqualTo("status 1\ngogo: no\n");
    }

    @Test
    void tooLongAndEmptyCommandsAreRejected() throws IOException {
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.OK, "ran\n"), LIMITS);
        assertThat(send("x".repeat(65))).isEqualTo("status 2\nconsole: command longer than 64 bytes\n");
        assertThat(send("   ")).isEqualTo("status 2\nconsole: empty command\n");
        assertThat(send("x".repeat(64))).isEqualTo("status 0\nran\n");
    }

    @Test
    void aCommandThatRunsTooLongTimesOut() throws IOException {
        ConsoleLimits quick = new ConsoleLimits(64, 4096, Duration.ofMillis(200), Duration.ofSeconds(5), 2);
        server = ConsoleServer.open(socket(), command -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Reply(Reply.Status.OK, "too late\n");
        }, quick);
        long start = System.nanoTime();
        assertThat(send("net:ping A 192.168.1.10 1000")).startsWith("status 3\nconsole: timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void commandsBeyondTheLimitAreTurnedAwayUntilASlotFrees() throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        server = ConsoleServer.open(socket(), command -> {
            running.countDown();
            awaitRelease();
            return new Reply(Reply.Status.OK, "done\n");
        }, LIMITS);
        Thread first = Thread.ofVirtual().start(() -> sendQuietly("a"));
        Thread second = Thread.ofVirtual().start(() -> sendQuietly("b"));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(send("c")).isEqualTo("status 2\nconsole: busy: 2 commands already running\n");

        release.countDown();
        first.join(5000);
        second.join(5000);
        assertThat(send("d")).isEqualTo("status 0\ndone\n");
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsCutOff() throws Exception {
        ConsoleLimits impatient = new ConsoleLimits(64, 4096, Duration.ofSeconds(5), Duration.ofMillis(200), 1);
        server = ConsoleServer.open(socket(), command -> new Reply(Reply.Status.OK, "ran\n"), impatient);
        try (SocketChannel slow = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
            slow.write(ByteBuffer.wrap("lb".getBytes(StandardCharsets.UTF_8))); // and never shuts down output
            ByteBuffer buffer = ByteBuffer.allocate(16);
            assertThat(slow.read(buffer)).isEqualTo(-1); // the server gave up and closed
        }
        // and the console still serves others
        assertThat(send("lb")).isEqualTo("status 0\nran\n");
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path socket() {
        return dir.resolve("console.sock");
    }

    private void sendQuietly(String command) {
        try {
            send(command);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String send(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket()));
            try {
                channel.write(ByteBuffer.wrap(command.getBytes(StandardCharsets.UTF_8)));
                channel.shutdownOutput();
            } catch (IOException refusedEarly) {
                // a rejected request may close before all of it is written; the reply is still there
            }
            return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
