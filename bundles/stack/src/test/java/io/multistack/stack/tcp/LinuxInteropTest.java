package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.Ipv4;
import io.multistack.wire.Ipv4Address;
import io.multistack.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine against the real Linux kernel TCP: a TUN device in a network namespace of our
 * own, bridged to this test by a small Python process (which can also drop packets). Needs
 * root; enabled with {@code TCP_INTEROP=1}. Wall-clock time here, since the kernel is real.
 */
@EnabledIfEnvironmentVariable(named = "TCP_INTEROP", matches = "1")
class LinuxInteropTest {
    static final int ENGINE_IP = Ipv4Address.parse("10.99.0.2");
    static final int LINUX_IP = Ipv4Address.parse("10.99.0.1");
    final String namespace = "tcpinterop" + ProcessHandle.current().pid();
    final List<Process> processes = new ArrayList<>();
    final List<Thread> writers = new ArrayList<>();
    Process bridge;
    DataInputStream fromTun;
    OutputStream toTun;
    TcpEngine engine;
    long start = System.nanoTime();

    void setUp(double loss) throws Exception {
        run("ip", "netns", "add", namespace);
        Path script = Files.createTempFile("tun_bridge", ".py");
        try (InputStream in = getClass().getResourceAsStream("tun_bridge.py")) {
            Files.write(script, in.readAllBytes());
        }
        bridge = start("python3", script.toString(), Double.toString(loss), "7");
        fromTun = new DataInputStream(bridge.getInputStream());
        // a writer thread of its own: the loop must never block on the bridge's stdin while the
        // bridge blocks on its stdout (a pipe deadlock that looks like a TCP stall)
        OutputStream pipe = new BufferedOutputStream(bridge.getOutputStream(), 1 << 16);
        java.util.concurrent.LinkedBlockingQueue<byte[]> outgoing = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    byte[] frame = outgoing.take();
                    pipe.write(frame);
                    if (outgoing.isEmpty()) {
                        pipe.flush();
                    }
                }
            } catch (InterruptedException | IOException e) {
                // the bridge is gone
            }
        });
        writers.add(writer);
        toTun = new OutputStream() {
            @Override
            public void write(int b) {
                outgoing.add(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                outgoing.add(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        };
        assertThat(fromTun.read()).as("bridge ready").isEqualTo('R');
        String pcap = System.getenv("TCP_INTEROP_PCAP");
        if (pcap != null) {
            // for humans: tshark -r FILE -q -z expert
            start("tcpdump", "-i", "tun0", "-w", pcap, "-U", "-s", "128");
            Thread.sleep(500);
        }
        engine = new TcpEngine(TcpSettings.defaults(), new TunOutput(), new IsnGenerator(new SplittableRandom(11)),
                ByteBufAllocator.DEFAULT);
        run("ip", "netns", "exec", namespace, "ip", "route", "add", "10.99.0.2/32", "dev", "tun0");
    }

    @AfterEach
    void tearDown() throws Exception {
        writers.forEach(Thread::interrupt);
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        new ProcessBuilder("ip", "netns", "del", namespace).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0} bytes, loss {1}")
    @CsvSource({"33554432, 0", "4194304, 0.02", "2097152, 0.05"})
    void linuxClientThroughOurEchoServer(int size, double loss) throws Exception {
        setUp(loss);
        echoServer(7);
        Process client = python(ECHO_CLIENT, Integer.toString(size), "7");
        pump(() -> !client.isAlive(), 120_000);
        assertThat(output(client)).startsWith("OK");
    }

    @Test
    void manyConcurrentLinuxClients() throws Exception {
        setUp(0.01);
        echoServer(7);
        Process clients = python(MANY_CLIENTS, "300", "65536");
        pump(() -> !clients.isAlive(), 120_000);
        assertThat(output(clients)).startsWith("OK 300");
        pump(() -> engine.connections().stream().allMatch(c -> c.state() == TcpState.TIME_WAIT
                || c.state() == TcpState.CLOSED), 10_000);
    }

    @Test
    void weConnectToALinuxServer() throws Exception {
        setUp(0.01);
        Process server = python(DIGEST_SERVER);
        assertThat(server.getInputStream().read()).isEqualTo('L');
        int size = 8 << 20;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        StringBuilder reply = new StringBuilder();
        boolean[] finished = new boolean[1];
        long[] written = new long[1];
        TcpConnection[] c = new TcpConnection[1];
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void connected() {
                writable();
            }

            @Override
            public void writable() {
                while (written[0] < size && c[0].sendBufferFree() > 0) {
                    int n = (int) Math.min(Math.min(65536, size - written[0]), c[0].sendBufferFree());
                    ByteBuf b = Unpooled.buffer(n);
                    for (int i = 0; i < n; i++) {
                        b.writeByte(BackToBackTest.pattern(written[0] + i));
                    }
                    sha.update(b.nioBuffer());
                    written[0] += c[0].write(b, now());
                    b.release();
                }
                c[0].flush(now());
                if (written[0] == size && !c[0].isOutputShutdown()) {
                    c[0].shutdownOutput(now());
                }
            }

            @Override
            public void readable() {
                ByteBuf b;
                while ((b = c[0].read(1 << 20)) != null) {
                    reply.append(b.toString(StandardCharsets.US_ASCII));
                    b.release();
                }
            }

            @Override
            public void closed(Throwable cause) {
                assertThat(cause).isNull();
                finished[0] = true;
            }
        };
        c[0] = engine.connect(ENGINE_IP, 0, LINUX_IP, 9000, handler, now());
        pump(() -> finished[0], 120_000);
        assertThat(reply.toString()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
        TcpConnectionSnapshot snap = c[0].snapshot(now());
        assertThat(snap.sack()).isTrue();
        assertThat(snap.timestamps()).isTrue();
        assertThat(snap.sendWindowScale()).isPositive();
    }

    @Test
    void closedPortsAreRefusedBothWays() throws Exception {
        setUp(0);
        Throwable[] cause = new Throwable[1];
        engine.connect(ENGINE_IP, 0, LINUX_IP, 9999, new ConnectionHandler() {
            @Override
            public void closed(Throwable c) {
                cause[0] = c;
            }
        }, now());
        pump(() -> cause[0] != null, 10_000);
        assertThat(cause[0]).isInstanceOf(ConnectException.class);
        Process client = python(REFUSED_CLIENT);
        pump(() -> !client.isAlive(), 10_000);
        assertThat(output(client)).startsWith("REFUSED");
    }

    // ---------------------------------------------------------------- the engine side

    void echoServer(int port) {
        engine.listen(ENGINE_IP, port, 64, c -> c.handler(new ConnectionHandler() {
            @Override
            public void readable() {
                pumpEcho(c);
            }

            @Override
            public void writable() {
                pumpEcho(c);
            }
        }));
    }

    void pumpEcho(TcpConnection c) {
        int free;
        while ((free = c.sendBufferFree()) > 0) {
            ByteBuf data = c.read(free);
            if (data == null) {
                break;
            }
            c.write(data, now());
            data.release();
        }
        c.flush(now());
        if (c.isInputShutdown() && c.receiveQueueBytes() == 0 && !c.isOutputShutdown()) {
            c.close(now());
        }
    }

    long now() {
        return System.nanoTime() - start;
    }

    void pump(BooleanSupplier done, long timeoutMs) throws IOException {
        long until = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out: " + engine.snapshots(now()) + " drops " + engine.drops());
            }
            boolean busy = false;
            while (fromTun.available() >= 2) {
                int length = fromTun.readUnsignedShort();
                byte[] packet = new byte[length];
                fromTun.readFully(packet);
                deliver(Unpooled.wrappedBuffer(packet));
                busy = true;
            }
            if (engine.nextDeadline() <= now()) {
                engine.tick(now());
            }
            toTun.flush();
            if (!busy) {
                LockSupport.parkNanos(100_000);
            }
        }
        toTun.flush();
    }

    void deliver(ByteBuf packet) {
        try {
            Ipv4 ip = Ipv4.parse(packet);
            if (ip.protocol() != Ipv4.PROTOCOL_TCP || ip.destination() != ENGINE_IP || ip.isFragment()) {
                packet.release();
                return;
            }
            engine.receive(ip.source(), ip.destination(), packet.slice(ip.headerLength(), ip.payloadLength()),
                    now());
        } catch (MalformedPacketException e) {
            packet.release(); // IPv6 router solicitations and the like
        }
    }

    final class TunOutput implements TcpOutput {
        private int identification;

        @Override
        public ByteBuf allocate(int tcpLength) {
            ByteBuf b = Unpooled.buffer(20 + tcpLength);
            return b.writerIndex(20).readerIndex(20);
        }

        @Override
        public void send(int sourceIp, int destinationIp, ByteBuf segment, long now) {
            try {
                ByteBuf packet = Unpooled.buffer(20 + segment.readableBytes());
                Ipv4.of(Ipv4.PROTOCOL_TCP, sourceIp, destinationIp, segment.readableBytes(), identification++ & 0xFFFF,
                        64).emit(packet);
                packet.writeBytes(segment);
                byte[] frame = new byte[2 + packet.readableBytes()];
                frame[0] = (byte) (packet.readableBytes() >>> 8);
                frame[1] = (byte) packet.readableBytes();
                packet.readBytes(frame, 2, packet.readableBytes());
                packet.release();
                toTun.write(frame);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                segment.release();
            }
        }

        @Override
        public int mtu() {
            return 1500;
        }
    }

    // ---------------------------------------------------------------- the Linux side

    static final String ECHO_CLIENT = """
            import os, socket, sys, threading
            n, port = int(sys.argv[1]), int(sys.argv[2])
            data = os.urandom(n)
            s = socket.create_connection(("10.99.0.2", port), timeout=100)
            def send():
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            t = threading.Thread(target=send)
            t.start()
            got = bytearray()
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += chunk
            t.join()
            print("OK" if bytes(got) == data else "MISMATCH %d of %d" % (len(got), n), flush=True)
            """;

    static final String MANY_CLIENTS = """
            import asyncio, os, sys
            count, size = int(sys.argv[1]), int(sys.argv[2])
            async def one(i):
                data = os.urandom(size)
                reader, writer = await asyncio.open_connection("10.99.0.2", 7)
                writer.write(data)
                await writer.drain()
                writer.write_eof()
                got = await reader.read(-1)
                writer.close()
                return got == data
            async def main():
                results = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), 100)
                ok = sum(1 for r in results if r)
                print(("OK %d" if ok == count else "FAILED %d") % ok, flush=True)
            asyncio.run(main())
            """;

    static final String DIGEST_SERVER = """
            import hashlib, socket, sys
            srv = socket.socket()
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("10.99.0.1", 9000))
            srv.listen(8)
            sys.stdout.write("L")
            sys.stdout.flush()
            c, _ = srv.accept()
            h = hashlib.sha256()
            while True:
                chunk = c.recv(1 << 20)
                if not chunk:
                    break
                h.update(chunk)
            c.sendall(h.hexdigest().encode())
            c.close()
            """;

    static final String REFUSED_CLIENT = """
            import socket
            try:
                socket.create_connection(("10.99.0.2", 12345), timeout=5)
                print("CONNECTED", flush=True)
            except ConnectionRefusedError:
                print("REFUSED", flush=True)
            except Exception as e:
                print("OTHER " + repr(e), flush=True)
            """;

    Process python(String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "python3", "-c", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return p;
    }

    Process start(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        return p;
    }

    static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    }
}
