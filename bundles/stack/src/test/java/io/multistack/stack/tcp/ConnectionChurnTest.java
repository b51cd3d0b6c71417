package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many short connections between two engines over a lossy link: concurrent opens with
 * ephemeral ports, a request and its echo, closes from either side, TIME-WAIT, a small
 * listen backlog (SYN cookies). Every connection must complete and nothing may be left but
 * TIME-WAIT entries.
 */
class ConnectionChurnTest {
    static final int CLIENT_IP = Ipv4Address.parse("192.168.7.10");
    static final int SERVER_IP = Ipv4Address.parse("192.168.7.1");
    static final long MS = 1_000_000L;

    @ParameterizedTest(name = "{0} connections, {1} at once, loss {2}, backlog {3}, seed {4}")
    @CsvSource({
        "400, 50, 0.00, 64, 1",
        "400, 50, 0.05, 64, 2",
        "300, 100, 0.03, 4, 3",
        "300, 30, 0.10, 8, 4",
    })
    void everyConnectionCompletes(int total, int concurrent, double loss, int backlog, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PriorityQueue<BackToBackTest.Packet> link = new PriorityQueue<>();
        long[] now = {0};
        long[] order = {0};
        TcpSettings settings = TcpSettings.defaults().withMsl(5_000 * MS);
        class Out implements TcpOutput {
            final boolean toServer;

            Out(boolean toServer) {
                this.toServer = toServer;
            }

            @Override
            public ByteBuf allocate(int tcpLength) {
                return Unpooled.buffer(tcpLength);
            }

            @Override
            public void send(int source, int destination, ByteBuf segment, long at) {
                if (random.nextDouble() < loss) {
                    segment.release();
                    return;
                }
                long delay = 2 * MS + random.nextLong(0, 3 * MS);
                link.add(new BackToBackTest.Packet(now[0] + delay, order[0]++, toServer, source, destination, segment));
            }

            @Override
            public int mtu() {
                return 1500;
            }
        }
        TcpEngine client = new TcpEngine(settings, new Out(true), new IsnGenerator(random.split()),
                ByteBufAllocator.DEFAULT);
        TcpEngine server = new TcpEngine(settings, new Out(false), new IsnGenerator(random.split()),
                ByteBufAllocator.DEFAULT);
        int[] completed = {0};
        int[] failed = {0};
        List<Throwable> causes = new ArrayList<>();
        server.listen(SERVER_IP, 7, backlog, c -> c.handler(new ConnectionHandler() {
            @Override
            public void readable() {
                ByteBuf b;
                while ((b = c.read(65536)) != null) {
                    c.write(b, now[0]);
                    b.release();
                }
                c.flush(now[0]);
                if (c.isInputShutdown() && c.isOpen() && !c.isOutputShutdown()) {
                    c.close(now[0]);
                }
            }
        }));
        int[] started = {0};
        Runnable open = new Runnable() {
            @Override
            public void run() {
                int id = started[0]++;
                String request = "request " + id + " " + "x".repeat(random.nextInt(0, 3000));
                StringBuilder reply = new StringBuilder();
                TcpConnection[] self = new TcpConnection[1];
                self[0] = client.connect(CLIENT_IP, 0, SERVER_IP, 7, new ConnectionHandler() {
                    @Override
                    public void connected() {
                        ByteBuf b = Unpooled.copiedBuffer(request, java.nio.charset.StandardCharsets.US_ASCII);
                        assertThat(self[0].write(b, now[0])).isEqualTo(request.length());
                        b.release();
                        self[0].shutdownOutput(now[0]);
                    }

                    @Override
                    public void readable() {
                        ByteBuf b;
                        while ((b = self[0].read(65536)) != null) {
                            reply.append(b.toString(java.nio.charset.StandardCharsets.US_ASCII));
                            b.release();
                        }
                    }

                    @Override
                    public void closed(Throwable cause) {
                        if (cause == null && reply.toString().equals(request)) {
                            completed[0]++;
                        } else {
                            failed[0]++;
                            causes.add(cause);
                        }
                        pending[0]++; // the loop opens the next one (not from inside a callback)
                    }
                }, now[0]);
            }
        };
        for (int i = 0; i < concurrent; i++) {
            open.run();
        }
        for (int step = 0; step < 10_000_000 && completed[0] + failed[0] < total; step++) {
            while (pending[0] > 0 && started[0] < total) {
                pending[0]--;
                open.run();
            }
            long next = Math.min(client.nextDeadline(), server.nextDeadline());
            if (!link.isEmpty()) {
                next = Math.min(next, link.peek().at());
            }
            if (next == Long.MAX_VALUE) {
                break;
            }
            now[0] = Math.max(now[0], next);
            while (!link.isEmpty() && link.peek().at() <= now[0]) {
                BackToBackTest.Packet p = link.poll();
                (p.toServer() ? server : client).receive(p.source(), p.destination(), p.segment(), now[0]);
            }
            client.tick(now[0]);
            server.tick(now[0]);
        }
        assertThat(failed[0]).as("failed connections, causes " + causes).isZero();
        assertThat(completed[0]).isEqualTo(total);
        // let TIME-WAIT and every timer run out: nothing may be left
        for (int step = 0; step < 1_000_000; step++) {
            long next = Math.min(client.nextDeadline(), server.nextDeadline());
            if (!link.isEmpty()) {
                next = Math.min(next, link.peek().at());
            }
            if (next == Long.MAX_VALUE) {
                break;
            }
            now[0] = Math.max(now[0], next);
            while (!link.isEmpty() && link.peek().at() <= now[0]) {
                BackToBackTest.Packet p = link.poll();
                (p.toServer() ? server : client).receive(p.source(), p.destination(), p.segment(), now[0]);
            }
            client.tick(now[0]);
            server.tick(now[0]);
        }
        assertThat(client.connections()).isEmpty();
        assertThat(server.connections()).isEmpty();
        assertThat(client.memoryInUse() + server.memoryInUse()).isZero();
    }

    /** Connections to open next, counted by finished ones. */
    private final int[] pending = {0};
}
