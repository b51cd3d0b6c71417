package io.multistack.ftp;

import static io.multistack.ftp.FtpClient.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.stack.TenantTransport;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with its I/O, on loopback kernel sockets standing in for a tenant's transport:
 * passive and active transfers byte-exact, aborted and broken uploads never visible,
 * resumed uploads, refusals that keep the session going, the session limit, the login delay.
 */
class FtpServerTest {
    @TempDir
    Path root;
    EventLoopGroup group;
    FtpServer server;
    int port;
    final Random random = new Random(1);

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        TenantTransport loopback = new TenantTransport() {
            @Override
            public EventLoop eventLoop() {
                return loop;
            }

            @Override
            public ChannelFactory<? extends ServerSocketChannel> serverChannels() {
                return NioServerSocketChannel::new;
            }

            @Override
            public ChannelFactory<? extends SocketChannel> socketChannels() {
                return NioSocketChannel::new;
            }

            @Override
            public ChannelFactory<? extends DatagramChannel> datagramChannels() {
                return NioDatagramChannel::new;
            }
        };
        port = freePort();
        int pasv = 20000 + new Random().nextInt(30000);
        FtpSettings settings = FtpSettings.from(Map.of("port", port, "pasvMin", pasv, "pasvMax", pasv + 20,
                "loginDelayMillis", 300, "maxSessions", 3,
                "user.alice", PasswordHash.create("pw", 1000, new SecureRandom())));
        server = new FtpServer("T", loopback, new FileArea(root), settings);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    long temporaries() throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith(FileArea.TEMPORARY_PREFIX)).count();
        }
    }

    @Test
    void passiveUploadAndDownloadAreByteExact() throws Exception {
        byte[] content = randomBytes(3 << 20);
        try (FtpClient client = new FtpClient(port)) {
            client.login("alice", "pw");
            assertCode(client.command("TYPE I"), 200);
            try (Socket data = client.passive()) {
                assertCode(client.command("STOR big.bin"), 150);
                data.getOutputStream().write(content);
            }
            assertCode(client.reply(), 226);
            assertThat(Files.readAllBytes(root.resolve("big.bin"))).isEqualTo(content);
            try (Socket data = client.passive()) {
                assertCode(client.command("RETR big.bin"), 150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
            }
            assertCode(client.reply(), 226);
            assertCode(client.command("SIZE big.bin"), 213);
        }
        assertThat(temporaries()).isZero();
    }

    @Test
    void activeTransfersConnectToTheClient() throws Exception {
        Files.write(root.resolve("file.bin"), randomBytes(100_000));
        try (FtpClient client = new FtpClient(port); ServerSocket listener = new ServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            client.login("alice", "pw");
            assertCode(client.command("EPRT |1|127.0.0.1|" + listener.getLocalPort() + "|"), 200);
            client.send("RETR file.bin");
            try (Socket data = listener.accept()) {
                assertCode(client.reply(), 150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(Files.readAllBytes(root.resolve("file.bin")));
            }
            assertCode(client.reply(), 226);
            int p = listener.getLocalPort();
            assertCode(client.command("PORT 127,0,0,1," + (p >> 8) + "," + (p & 255)), 200);
            client.send("NLST");
            try (Socket data = listener.accept()) {
                assertCode(client.reply(), 150);
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("file.bin\r\n");
            }
            assertCode(client.reply(), 226);
            assertCode(client.command("PORT 10,0,0,1,200,1"), 500);
        }
    }

    @Test
    void anAbortedUploadLeavesThePreviousFile() throws Exception {
        Files.writeString(root.resolve("keep.txt"), "previous");
        try (FtpClient client = new FtpClient(port)) {
            client.login("alice", "pw");
            Socket data = client.passive();
            assertCode(client.command("STOR keep.txt"), 150);
            OutputStream out = data.getOutputStream();
            out.write(randomBytes(1 << 20));
            out.flush();
            assertThat(root.resolve("keep.txt")).hasContent("previous");
            client.send("ABOR");
            assertCode(client.reply(), 426);
            assertCode(client.reply(), 226);
            data.close();
            assertCode(client.command("NOOP"), 200);
        }
        assertThat(root.resolve("keep.txt")).hasContent("previous");
        assertThat(temporaries()).isZero();
    }

    @Test
    void aControlConnectionLostMidUploadLeavesNoFile() throws Exception {
        FtpClient client = new FtpClient(port);
        client.login("alice", "pw");
        Socket data = client.passive();
        assertCode(client.command("STOR new.bin"), 150);
        data.getOutputStream().write(randomBytes(1 << 20));
        client.abortConnection();
        data.setSoLinger(true, 0);
        data.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (temporaries() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(temporaries()).isZero();
        assertThat(root.resolve("new.bin")).doesNotExist();
    }

    @Test
    void restThenStorKeepsThePrefixAndAppeAppends() throws Exception {
        Files.writeString(root.resolve("r.txt"), "0123456789");
        try (FtpClient client = new FtpClient(port)) {
            client.login("alice", "pw");
            try (Socket data = client.passive()) {
                assertCode(client.command("REST 4"), 350);
                assertCode(client.command("STOR r.txt"), 150);
                data.getOutputStream().write("abc".getBytes());
            }
            assertCode(client.reply(), 226);
            assertThat(root.resolve("r.txt")).hasContent("0123abc");
            try (Socket data = client.passive()) {
                assertCode(client.command("APPE r.txt"), 150);
                data.getOutputStream().write("XYZ".getBytes());
            }
            assertCode(client.reply(), 226);
            assertThat(root.resolve("r.txt")).hasContent("0123abcXYZ");
            try (Socket data = client.passive()) {
                assertCode(client.command("REST 7"), 350);
                assertCode(client.command("RETR r.txt"), 150);
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("XYZ");
            }
            assertCode(client.reply(), 226);
        }
    }

    @Test
    void refusalsKeepTheSessionGoing() throws Exception {
        try (FtpClient client = new FtpClient(port)) {
            assertCode(client.reply(), 220);
            assertCode(client.command("LIST"), 530);
            assertCode(client.command("x".repeat(5000)), 500);
            client.send("BAD\u00ff");
            assertThat(client.reply()).matches("50[01] .*");
            assertCode(client.command("USER alice"), 331);
            assertCode(client.command("PASS pw"), 230);
            assertCode(client.command("RETR nothing"), 550);
            assertCode(client.command("RETR file"), 550);
            assertCode(client.command("LIST"), 425);
            assertCode(client.command("CWD ../.."), 550);
            assertCode(client.command("QUIT"), 221);
            assertThat(client.reply()).isEqualTo("EOF");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        Files.writeString(root.resolve("one.txt"), "1");
        try (FtpClient client = new FtpClient(port)) {
            assertCode(client.reply(), 220);
            client.send("USER alice\r\nPASS pw\r\nTYPE I\r\nEPSV\r\nNLST");
            assertCode(client.reply(), 331);
            assertCode(client.reply(), 230);
            assertCode(client.reply(), 200);
            String epsv = client.reply();
            assertCode(epsv, 229);
            int dataPort = Integer.parseInt(epsv.replaceAll(".*\\(\\|\\|\\|(\\d+)\\|\\).*", "$1"));
            try (Socket data = new Socket(InetAddress.getLoopbackAddress(), dataPort)) {
                assertCode(client.reply(), 150);
                assertThat(new String(data.getInputStream().readAllBytes())).isEqualTo("one.txt\r\n");
            }
            assertCode(client.reply(), 226);
        }
    }

    @Test
    void aFailedLoginIsAnsweredAfterTheDelay() throws Exception {
        try (FtpClient client = new FtpClient(port)) {
            assertCode(client.reply(), 220);
            assertCode(client.command("USER alice"), 331);
            long started = System.nanoTime();
            assertCode(client.command("PASS wrong"), 530);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void sessionsBeyondTheLimitGet421() throws Exception {
        try (FtpClient a = new FtpClient(port); FtpClient b = new FtpClient(port); FtpClient c = new FtpClient(port)) {
            assertCode(a.reply(), 220);
            assertCode(b.reply(), 220);
            assertCode(c.reply(), 220);
            try (FtpClient d = new FtpClient(port)) {
                assertCode(d.reply(), 421);
                assertThat(d.reply()).isEqualTo("EOF");
            }
        }
        assertThat(server.status()).contains("sessions");
    }

    @Test
    void aSlowReaderGetsEverythingInTheEnd() throws Exception {
        byte[] content = randomBytes(8 << 20);
        Files.write(root.resolve("slow.bin"), content);
        try (FtpClient client = new FtpClient(port)) {
            client.login("alice", "pw");
            try (Socket data = client.passive()) {
                data.setReceiveBufferSize(16 * 1024);
                assertCode(client.command("RETR slow.bin"), 150);
                Thread.sleep(500); // the server must wait for the window, not buffer 8 MiB
                InputStream in = data.getInputStream();
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            assertCode(client.reply(), 226);
        }
    }
}
