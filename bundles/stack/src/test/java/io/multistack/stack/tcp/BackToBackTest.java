package io.multistack.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two engines wired back to back through a seeded lossy link (drop, duplicate, reorder, a
 * 100 Mbit/s bottleneck with a drop-tail queue), in virtual time: bulk transfers must arrive
 * byte-exact and both sides must close cleanly.
 */
class BackToBackTest {
    static final int CLIENT_IP = Ipv4Address.parse("192.168.1.10");
    static final int SERVER_IP = Ipv4Address.parse("192.168.1.1");
    static final long MS = 1_000_000L;

    static byte pattern(long i) {
        return (byte) ((i * 2654435761L) >>> 13);
    }

    @ParameterizedTest(name = "{0} bytes, loss {1}, dup {2}, reorder {3}, sack {4}, ts {5}, {6}, slow reader {7}")
    @CsvSource({
        "4194304, 0.00, 0.00, 0.00, true,  true,  CUBIC,   false",
        "4194304, 0.01, 0.01, 0.02, true,  true,  CUBIC,   false",
        "4194304, 0.05, 0.01, 0.05, true,  true,  CUBIC,   false",
        "4194304, 0.01, 0.01, 0.02, false, false, NEWRENO, false",
        "4194304, 0.05, 0.02, 0.05, false, true,  NEWRENO, false",
        "3145728, 0.05, 0.02, 0.05, true,  false, NEWRENO, false",
        "2097152, 0.01, 0.00, 0.02, true,  true,  CUBIC,   true",
        "2097152, 0.05, 0.02, 0.05, false, false, CUBIC,   true",
    })
    void bulkTransferIsByteExact(int size, double loss, double duplicate, double reorder, boolean sack,
            boolean timestamps, TcpSettings.CongestionAlgorithm cc, boolean slowReader) {
        TcpSettings settings = TcpSettings.defaults().withOptions(true, timestamps, sack).withCongestionControl(cc);
        World w = new World(new SplittableRandom(size ^ Double.hashCode(loss) ^ (sack ? 1 : 2)), loss, duplicate,
                reorder, settings);
        w.slowReader = slowReader;
        w.start(size);
        w.run(3_600_000 * MS);
        System.out.printf("b2b %d loss %.2f sack %s ts %s %s slow %s: done at %.3f s, client drops %s, server drops %s, rtx %d%n",
                size, loss, sack, timestamps, cc, slowReader, w.finishedAt / 1e9, w.client.drops(), w.server.drops(),
                w.retransmissions);
        if (loss > 0) {
            assertThat(w.retransmissions).as("losses were repaired by retransmission").isPositive();
        }
        assertThat(w.received).as("bytes received").isEqualTo(size);
        assertThat(w.mismatches).as("corrupted bytes").isZero();
        assertThat(w.serverSawFin).isTrue();
        assertThat(w.clientClosed).as("client closed").isTrue();
        assertThat(w.serverClosed).as("server closed").isTrue();
        assertThat(w.client.memoryInUse()).isZero();
        assertThat(w.server.memoryInUse()).isZero();
    }

    @ParameterizedTest(name = "echo {0} bytes, loss {1}, buffers {2}, sack {3}, ts {4}")
    @CsvSource({
        "1048576, 0.00, 16384, true,  true",
        "1048576, 0.05, 16384, true,  true",
        "1048576, 0.05, 8192,  false, false",
        "2097152, 0.02, 65536, true,  false",
    })
    void echoWithSmallBuffersUnderLoss(int size, double loss, int buffers, boolean sack, boolean timestamps) {
        // both directions busy and windows small: the situation of the stall found against Linux
        TcpSettings settings = TcpSettings.defaults().withOptions(true, timestamps, sack).withBuffers(buffers, buffers);
        World w = new World(new SplittableRandom(size ^ buffers), loss, 0.01, 0.03, settings);
        w.echo = true;
        w.start(size);
        try {
            w.run(3_600_000 * MS);
        } catch (AssertionError e) {
            w.trace.forEach(System.out::println);
            throw e;
        }
        if (!w.clientClosed || !w.serverClosed || w.echoed != size) {
            w.trace.forEach(System.out::println);
            System.out.println("client " + w.client.snapshots(w.now) + "\nserver " + w.server.snapshots(w.now));
        }
        assertThat(w.received).as("bytes at the server").isEqualTo(size);
        assertThat(w.echoed).as("bytes echoed back").isEqualTo(size);
        assertThat(w.mismatches).isZero();
        assertThat(w.clientClosed).isTrue();
        assertThat(w.serverClosed).isTrue();
        assertThat(w.client.memoryInUse()).isZero();
        assertThat(w.server.memoryInUse()).isZero();
    }

    static java.util.stream.IntStream seeds() {
        return java.util.stream.IntStream.rangeClosed(1, 150);
    }

    /**
     * Many seeds of random mixes: echo or bulk, slow readers, tiny windows and budgets, options
     * on and off, loss up to 10%, duplication and reordering. 3000 seeds passed when written.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void seededStress(int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int buffers = 4096 << r.nextInt(0, 7);
        TcpSettings settings = TcpSettings.defaults().withOptions(r.nextBoolean(), r.nextBoolean(), r.nextBoolean())
                .withBuffers(buffers, buffers).withCongestionControl(r.nextBoolean()
                        ? TcpSettings.CongestionAlgorithm.CUBIC : TcpSettings.CongestionAlgorithm.NEWRENO)
                .withMemoryBudget(r.nextBoolean() ? 64L << 20 : buffers);
        int size = 100_000 + r.nextInt(400_000);
        World w = new World(r.split(), r.nextDouble(0, 0.1), r.nextDouble(0, 0.05), r.nextDouble(0, 0.2), settings);
        w.echo = r.nextBoolean();
        w.slowReader = !w.echo && r.nextBoolean();
        w.start(size);
        try {
            w.run(3_600_000 * MS);
        } catch (AssertionError e) {
            w.trace.forEach(System.out::println);
            throw e;
        }
        boolean ok = w.received == size && (!w.echo || w.echoed == size) && w.clientClosed && w.serverClosed;
        if (!ok) {
            w.trace.forEach(System.out::println);
            System.out.println("client " + w.client.snapshots(w.now) + "\nserver " + w.server.snapshots(w.now));
        }
        assertThat(w.received).isEqualTo(size);
        if (w.echo) {
            assertThat(w.echoed).isEqualTo(size);
        }
        assertThat(w.mismatches).isZero();
        assertThat(w.clientClosed && w.serverClosed).isTrue();
        assertThat(w.client.memoryInUse() + w.server.memoryInUse()).isZero();
    }

    /**
     * The ACK load of a bulk transfer whose frames reach the receiver one at a time: RFC 5681
     * 4.2's every second full segment at most (plus a few quick ACKs at the start), and no
     * window updates on top from a reader that keeps up.
     */
    @org.junit.jupiter.api.Test
    void bulkTransferWithFramesOneByOneSendsAtMostOneAckPerTwoSegments() {
        World w = new World(new SplittableRandom(11), 0, 0, 0, TcpSettings.defaults());
        w.start(8 << 20);
        w.run(3_600_000 * MS);
        assertThat(w.received).isEqualTo(8 << 20);
        double ratio = (double) w.pureAcksToClient / w.dataSegmentsToServer;
        System.out.printf("b2b acks, frames one by one: %d pure ACKs for %d data segments = %.3f%n",
                w.pureAcksToClient, w.dataSegmentsToServer, ratio);
        assertThat(ratio).as("pure ACKs per data segment").isLessThanOrEqualTo(0.52);
    }

    /**
     * The same with frames handed over in batches (the receiver polls every 500 µs, as an
     * inbox drained by a busy loop or NAPI would): one ACK per batch, like Linux with GRO.
     */
    @org.junit.jupiter.api.Test
    void bulkTransferWithFramesInBatchesSendsOneAckPerBatch() {
        World w = new World(new SplittableRandom(11), 0, 0, 0, TcpSettings.defaults());
        w.batchWindow = 500_000;
        w.start(8 << 20);
        w.run(3_600_000 * MS);
        assertThat(w.received).isEqualTo(8 << 20);
        double ratio = (double) w.pureAcksToClient / w.dataSegmentsToServer;
        System.out.printf("b2b acks, frames in batches: %d pure ACKs for %d data segments in %d batches = %.3f%n",
                w.pureAcksToClient, w.dataSegmentsToServer, w.serverBatches, ratio);
        assertThat(w.pureAcksToClient).as("at most one ACK per batch, plus the handshake's and the FIN's")
                .isLessThanOrEqualTo(w.serverBatches + 2);
        assertThat(ratio).as("pure ACKs per data segment").isLessThanOrEqualTo(0.3);
    }

    /** Not a benchmark (see bench/): a guard that the engine does not become pathologically slow. */
    @org.junit.jupiter.api.Test
    void cpuThroughputOfALosslessTransfer() {
        TcpSettings settings = TcpSettings.defaults().withBuffers(4 << 20, 4 << 20);
        int size = 64 << 20;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            World w = new World(new SplittableRandom(1), 0, 0, 0, settings);
            w.fast = true;
            long start = System.nanoTime();
            w.start(size);
            w.run(3_600_000 * MS);
            long elapsed = System.nanoTime() - start;
            assertThat(w.received).isEqualTo(size);
            double mbit = size * 8 / (elapsed / 1e9) / 1e6;
            System.out.printf("b2b cpu: %d MiB in %.3f s = %.0f Mbit/s (both ends on one thread)%n", size >> 20,
                    elapsed / 1e9, mbit);
            if (round == 1) {
                assertThat(mbit).as("no pathological slowness (this machine: 3-5 Gbit/s)").isGreaterThan(100);
            }
        }
    }

    /** The two engines, the link and the applications. */
    static final class World {
        final SplittableRandom random;
        final double loss;
        final double duplicate;
        final double reorder;
        final PriorityQueue<Packet> inFlight = new PriorityQueue<>();
        final TcpEngine client;
        final TcpEngine server;
        final Direction toServer = new Direction();
        final Direction toClient = new Direction();
        long now;
        long order;
        int size;
        long written;
        long received;
        long mismatches;
        boolean serverSawFin;
        boolean clientClosed;
        boolean serverClosed;
        boolean slowReader;
        boolean fast; // no bottleneck and no per-byte pattern checks
        boolean echo; // the server sends everything back
        long batchWindow; // > 0: frames reach an engine in batches, delivered this long after the first is due
        long dataSegmentsToServer;
        long pureAcksToClient;
        long serverBatches;
        long echoed;
        long nextRead;
        long finishedAt;
        long retransmissions;
        TcpConnection clientConnection;
        TcpConnection serverConnection;

        World(SplittableRandom random, double loss, double duplicate, double reorder, TcpSettings settings) {
            this.random = random;
            this.loss = loss;
            this.duplicate = duplicate;
            this.reorder = reorder;
            this.client = new TcpEngine(settings, new Side(CLIENT_IP, toServer), new IsnGenerator(random.split()),
                    ByteBufAllocator.DEFAULT);
            this.server = new TcpEngine(settings, new Side(SERVER_IP, toClient), new IsnGenerator(random.split()),
                    ByteBufAllocator.DEFAULT);
        }

        void start(int bytes) {
            this.size = bytes;
            server.listen(SERVER_IP, 5001, 16, c -> {
                serverConnection = c;
                c.handler(new ConnectionHandler() {
                    @Override
                    public void readable() {
                        if (echo) {
                            echoBack();
                        } else if (!slowReader) {
                            drain(Integer.MAX_VALUE);
                        }
                    }

                    @Override
                    public void writable() {
                        if (echo) {
                            echoBack();
                        }
                    }

                    @Override
                    public void closed(Throwable cause) {
                        assertThat(cause).isNull();
                        serverClosed = true;
                    }
                });
            });
            clientConnection = client.connect(CLIENT_IP, 0, SERVER_IP, 5001, new ConnectionHandler() {
                @Override
                public void connected() {
                    fill();
                }

                @Override
                public void writable() {
                    fill();
                }

                @Override
                public void readable() {
                    ByteBuf b;
                    while ((b = clientConnection.read(1 << 20)) != null) {
                        while (b.isReadable()) {
                            if (b.readByte() != pattern(echoed)) {
                                mismatches++;
                            }
                            echoed++;
                        }
                        b.release();
                    }
                }

                @Override
                public void closed(Throwable cause) {
                    assertThat(cause).isNull();
                    clientClosed = true;
                }
            }, now);
        }

        void fill() {
            while (written < size) {
                int chunk = (int) Math.min(Math.min(64 * 1024, size - written), clientConnection.sendBufferFree());
                if (chunk == 0) {
                    break;
                }
                ByteBuf b = Unpooled.buffer(chunk);
                if (fast) {
                    b.writerIndex(chunk);
                } else {
                    for (int i = 0; i < chunk; i++) {
                        b.writeByte(pattern(written + i));
                    }
                }
                int taken = clientConnection.write(b, now);
                b.release();
                written += taken;
                if (taken < chunk) {
                    break;
                }
            }
            clientConnection.flush(now);
            if (written == size && !clientConnection.isOutputShutdown()) {
                clientConnection.shutdownOutput(now);
            }
        }

        /** The last packets delivered, formatted only when a failure prints them. */
        final java.util.ArrayDeque<Traced> trace = new java.util.ArrayDeque<>();

        record Traced(long at, Packet packet, byte[] header, int length) {
            @Override
            public String toString() {
                try {
                    ByteBuf b = Unpooled.wrappedBuffer(header);
                    io.multistack.wire.Tcp t = io.multistack.wire.Tcp.parseHeader(b);
                    return String.format("%.3f %s %s len %d", at / 1e6, packet.toServer ? "C>S" : "S>C", t,
                            length - io.multistack.wire.Tcp.headerLength(b));
                } catch (io.multistack.wire.MalformedPacketException e) {
                    return "malformed " + e.reason();
                }
            }
        }

        void trace(Packet p) {
            if (fast) {
                return;
            }
            int length = p.segment.readableBytes();
            byte[] header = new byte[Math.min(length, 60)];
            p.segment.getBytes(p.segment.readerIndex(), header);
            trace.addLast(new Traced(now, p, header, length));
            if (trace.size() > 80) {
                trace.removeFirst();
            }
        }

        /** The server echoes with back-pressure: it reads only what its send buffer takes. */
        void echoBack() {
            int free;
            while ((free = serverConnection.sendBufferFree()) > 0) {
                ByteBuf data = serverConnection.read(free);
                if (data == null) {
                    break;
                }
                received += data.readableBytes();
                serverConnection.write(data, now);
                data.release();
            }
            serverConnection.flush(now);
            if (serverConnection.isInputShutdown() && serverConnection.receiveQueueBytes() == 0 && !serverSawFin) {
                serverSawFin = true;
                serverConnection.close(now);
            }
        }

        void drain(int max) {
            int left = max;
            ByteBuf b;
            while (left > 0 && (b = serverConnection.read(Math.min(left, 1 << 20))) != null) {
                left -= b.readableBytes();
                if (fast) {
                    received += b.readableBytes();
                    b.skipBytes(b.readableBytes());
                }
                while (b.isReadable()) {
                    if (b.readByte() != pattern(received)) {
                        mismatches++;
                    }
                    received++;
                }
                b.release();
            }
            if (serverConnection.isInputShutdown() && !serverSawFin) {
                serverSawFin = true;
                finishedAt = now;
                retransmissions = clientConnection.snapshot(now).retransmissions();
                serverConnection.close(now);
            }
        }

        void run(long until) {
            for (int steps = 0; steps < 5_000_000; steps++) {
                long next = Math.min(client.nextDeadline(), server.nextDeadline());
                if (!inFlight.isEmpty()) {
                    next = Math.min(next, Math.max(now, inFlight.peek().at + batchWindow));
                }
                if (slowReader && serverConnection != null && !serverSawFin) {
                    next = Math.min(next, nextRead);
                }
                if (next == Long.MAX_VALUE || next > until) {
                    return;
                }
                now = Math.max(now, next);
                boolean serverBatch = false;
                while (!inFlight.isEmpty() && inFlight.peek().at <= now) {
                    Packet p = inFlight.poll();
                    trace(p);
                    serverBatch |= p.toServer;
                    (p.toServer ? server : client).receive(p.source, p.destination, p.segment, now);
                }
                if (serverBatch) {
                    serverBatches++;
                }
                client.tick(now); // ends the batch too (the ACKs it owes leave first)
                server.tick(now);
                if (slowReader && serverConnection != null && nextRead <= now) {
                    drain(32 * 1024); // 32 KiB per 10 ms: ~26 Mbit/s, slower than the link
                    nextRead = now + 10 * MS;
                }
            }
            throw new AssertionError("too many steps");
        }

        /** One direction of the link: a 100 Mbit/s bottleneck with a drop-tail queue of 30 ms. */
        final class Direction {
            long busyUntil;

            void offer(int source, int destination, ByteBuf segment, boolean toServer) {
                long transmit = fast ? 1 : (segment.readableBytes() + 40) * 80L; // ns at 100 Mbit/s
                long start = Math.max(now, busyUntil);
                if (!fast && start - now > 30 * MS) {
                    segment.release(); // queue full
                    return;
                }
                busyUntil = start + transmit;
                if (random.nextDouble() < loss) {
                    segment.release();
                    return;
                }
                long at = busyUntil + 5 * MS;
                if (random.nextDouble() < reorder) {
                    at += random.nextLong(1, 8 * MS);
                }
                if (random.nextDouble() < duplicate) {
                    inFlight.add(new Packet(at + random.nextLong(0, 3 * MS), order++, toServer, source, destination,
                            segment.copy()));
                }
                inFlight.add(new Packet(at, order++, toServer, source, destination, segment));
            }
        }

        /** A TCP output that puts segments on the link. */
        final class Side implements TcpOutput {
            final int ip;
            final Direction direction;

            Side(int ip, Direction direction) {
                this.ip = ip;
                this.direction = direction;
            }

            @Override
            public ByteBuf allocate(int tcpLength) {
                return Unpooled.buffer(tcpLength);
            }

            @Override
            public void send(int sourceIp, int destinationIp, ByteBuf segment, long at) {
                int payload = segment.readableBytes() - io.multistack.wire.Tcp.headerLength(segment);
                int flags = segment.getUnsignedByte(segment.readerIndex() + 13);
                if (direction == toServer && payload > 0) {
                    dataSegmentsToServer++;
                } else if (direction == toClient && payload == 0 && flags == io.multistack.wire.Tcp.ACK) {
                    pureAcksToClient++;
                }
                direction.offer(sourceIp, destinationIp, segment, direction == toServer);
            }

            @Override
            public int mtu() {
                return 1500;
            }
        }
    }

    record Packet(long at, long order, boolean toServer, int source, int destination, ByteBuf segment)
            implements Comparable<Packet> {
        @Override
        public int compareTo(Packet o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }
}
