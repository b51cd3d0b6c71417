package io.multistack.stack.tcp;

import static io.multistack.stack.tcp.TcpScript.LOCAL_IP;
import static io.multistack.stack.tcp.TcpScript.LOCAL_SEQ;
import static io.multistack.stack.tcp.TcpScript.REMOTE_IP;
import static io.multistack.stack.tcp.TcpScript.REMOTE_SEQ;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.wire.Tcp;
import io.multistack.wire.TcpOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded fuzzing of {@link TcpEngine#receive}: malformed input is counted, nothing is thrown, nothing leaks. */
class TcpFuzzTest {

    @Test
    void randomBytesAreCountedDrops() {
        TcpScript s = TcpScript.established(TcpSettings.defaults());
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[random.nextInt(1, 100)];
            random.nextBytes(bytes);
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            s.engine.receive(REMOTE_IP, LOCAL_IP, b, s.now);
            assertThat(b.refCnt()).isZero();
        }
        assertThat(s.engine.drops()).containsKey("tcp.bad-checksum");
        assertThat(s.engine.drops().keySet()).allMatch(k -> k.startsWith("tcp."));
    }

    @Test
    void mutatedValidSegmentsNeverThrow() {
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 20; round++) {
            TcpScript s = TcpScript.established(round % 2 == 0 ? TcpSettings.defaults() : TcpScript.plain());
            s.write(5000);
            java.util.List<ByteBuf> received = new java.util.ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                Tcp template = randomSegment(random);
                byte[] payload = new byte[random.nextInt(0, 3) == 0 ? random.nextInt(0, 2000) : 0];
                ByteBuf b = Unpooled.buffer();
                template.emit(b);
                b.writeBytes(payload);
                // flip some bytes, then usually fix the checksum so the mutation reaches the state machine
                int flips = random.nextInt(0, 4);
                for (int f = 0; f < flips && b.readableBytes() > 0; f++) {
                    int at = random.nextInt(0, b.readableBytes());
                    b.setByte(at, b.getByte(at) ^ (1 << random.nextInt(8)));
                }
                if (random.nextInt(10) > 0) {
                    Tcp.fillChecksum(b, 0, REMOTE_IP, LOCAL_IP);
                }
                s.engine.receive(REMOTE_IP, LOCAL_IP, b, s.now);
                received.add(b);
                if (random.nextInt(20) == 0) {
                    s.advance(s.now / TcpScript.MS + random.nextInt(1, 500));
                }
                s.output.take();
                if (s.connection != null && s.connection.isOpen() && random.nextInt(50) == 0) {
                    ByteBuf read = s.connection.read(Integer.MAX_VALUE);
                    if (read != null) {
                        read.release();
                    }
                }
            }
            s.engine.close(s.now);
            for (TcpConnection c : s.accepted) {
                ByteBuf read;
                while ((read = c.read(Integer.MAX_VALUE)) != null) {
                    read.release();
                }
            }
            assertThat(s.engine.memoryInUse()).as("budget returns to zero").isZero();
            assertThat(received).as("every received buffer released").allMatch(b -> b.refCnt() == 0);
        }
    }

    private static Tcp randomSegment(SplittableRandom random) {
        int[] flagChoices = {Tcp.ACK, Tcp.ACK | Tcp.PSH, Tcp.SYN, Tcp.SYN | Tcp.ACK, Tcp.RST, Tcp.RST | Tcp.ACK,
            Tcp.FIN | Tcp.ACK, Tcp.ACK | Tcp.URG, 0, random.nextInt(256)};
        int flags = flagChoices[random.nextInt(flagChoices.length)];
        int seq = REMOTE_SEQ + 1 + (random.nextBoolean() ? random.nextInt(-3000, 70_000) : random.nextInt());
        int ack = LOCAL_SEQ + 1 + (random.nextBoolean() ? random.nextInt(-100, 6000) : random.nextInt());
        TcpOptions o = TcpOptions.NONE;
        if (random.nextBoolean()) {
            o = o.withTimestamp(random.nextBoolean() ? 100 + random.nextInt(1000) : random.nextInt(), random.nextInt());
        }
        if (random.nextInt(3) == 0) {
            int n = random.nextInt(1, 4);
            int[] edges = new int[2 * n];
            for (int i = 0; i < edges.length; i++) {
                edges[i] = ack + random.nextInt(-2000, 8000);
            }
            o = o.withSackBlocks(edges);
        }
        if ((flags & Tcp.SYN) != 0 && random.nextBoolean()) {
            o = o.withMss(random.nextInt(0, 65536)).withWindowScale(random.nextInt(0, 256)).withSackPermitted(true);
        }
        int port = random.nextInt(10) == 0 ? random.nextInt(0, 65536) : TcpScript.LOCAL_PORT;
        int sourcePort = random.nextInt(10) == 0 ? random.nextInt(0, 65536) : TcpScript.REMOTE_PORT;
        return new Tcp(sourcePort, port, seq, ack, flags, random.nextInt(0, 65536), 0, o);
    }
}
