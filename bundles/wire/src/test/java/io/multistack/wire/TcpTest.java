package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** TCP header and options: golden bytes, parse, emit, impossible lengths. */
class TcpTest {
    static final int SRC = Ipv4Address.parse("192.168.122.1");
    static final int DST = Ipv4Address.parse("192.168.122.50");

    /** A Linux 6.x SYN: mss 1460, sackOK, TS val 2838523521 ecr 0, nop, wscale 7. */
    static final String LINUX_SYN = "c4b2" + "0050" + "3a8f5c1e" + "00000000" + "a0" + "02" + "faf0" + "0000" + "0000"
            + "020405b4" + "0402" + "080aa9306e8100000000" + "01030307";

    private static ByteBuf withChecksum(String hex, int src, int dst) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        Tcp.fillChecksum(b, 0, src, dst);
        return b;
    }

    @Test
    void parsesALinuxSyn() throws Exception {
        ByteBuf b = withChecksum(LINUX_SYN, SRC, DST);
        Tcp t = Tcp.parse(b, SRC, DST);
        assertThat(t.sourcePort()).isEqualTo(50354);
        assertThat(t.destinationPort()).isEqualTo(80);
        assertThat(Integer.toUnsignedLong(t.seq())).isEqualTo(0x3a8f5c1eL);
        assertThat(t.flags()).isEqualTo(Tcp.SYN);
        assertThat(t.window()).isEqualTo(64240);
        assertThat(t.options()).isEqualTo(TcpOptions.NONE.withMss(1460).withSackPermitted(true)
                .withTimestamp(0xa9306e81, 0).withWindowScale(7));
        assertThat(Tcp.headerLength(b)).isEqualTo(40);
    }

    @Test
    void emitsTheSameBytesAsLinux() {
        Tcp t = new Tcp(50354, 80, 0x3a8f5c1e, 0, Tcp.SYN, 64240, 0, TcpOptions.NONE.withMss(1460)
                .withSackPermitted(true).withTimestamp(0xa9306e81, 0).withWindowScale(7));
        ByteBuf out = Unpooled.buffer();
        t.emit(out);
        Tcp.fillChecksum(out, 0, SRC, DST);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(ByteBufUtil.hexDump(withChecksum(LINUX_SYN, SRC, DST)));
    }

    @Test
    void parseHeaderSkipsTheChecksumOnly() throws Exception {
        ByteBuf b = withChecksum(LINUX_SYN, SRC, DST);
        b.setShort(16, 0x1234);
        Tcp t = Tcp.parseHeader(b);
        assertThat(t.options().mss()).isEqualTo(1460);
        assertThatThrownBy(() -> Tcp.parseHeader(Unpooled.wrappedBuffer(new byte[12])))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void roundTripsSackBlocksAndTimestamps() throws Exception {
        TcpOptions o = TcpOptions.NONE.withTimestamp(5, 6).withSackBlocks(100, 200, 300, 400, 500, 600);
        Tcp t = new Tcp(1, 2, 3, 4, Tcp.ACK, 5, 0, o);
        ByteBuf out = Unpooled.buffer();
        t.emit(out);
        out.writeBytes(new byte[] {1, 2, 3});
        Tcp.fillChecksum(out, 0, SRC, DST);
        assertThat(t.headerLength() % 4).isZero();
        Tcp back = Tcp.parse(out, SRC, DST);
        assertThat(back).isEqualTo(t);
        assertThat(back.options().sackBlockCount()).isEqualTo(3);
    }

    @Test
    void skipsUnknownOptionsAndStopsAtEol() throws Exception {
        // unknown kind 30 length 4, MSS, EOL, garbage after EOL
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("1e04abcd" + "02040218" + "00ffffff"));
        TcpOptions o = TcpOptions.parse(b, 0, 12);
        assertThat(o.mss()).isEqualTo(536);
        assertThat(o.windowScale()).isEqualTo(-1);
    }

    @Test
    void rejectsBadOptionLengths() {
        String[] bad = {"0201", "020300", "0205050505", "03020000", "0500", "050600000001", "0801", "1e"};
        for (String hex : bad) {
            ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
            assertThatThrownBy(() -> TcpOptions.parse(b, 0, b.readableBytes())).as(hex)
                    .isInstanceOf(MalformedPacketException.class)
                    .extracting(e -> ((MalformedPacketException) e).reason()).isEqualTo("tcp.bad-option-length");
        }
    }

    @Test
    void rejectsTruncatedBadOffsetAndBadChecksum() {
        assertReason(Unpooled.wrappedBuffer(new byte[19]), "tcp.truncated");
        ByteBuf offset4 = withChecksum("00010002000000000000000040020000" + "00000000", SRC, DST);
        assertReason(offset4, "tcp.bad-offset");
        ByteBuf offset15 = withChecksum("000100020000000000000000f0020000" + "00000000", SRC, DST);
        assertReason(offset15, "tcp.bad-offset");
        ByteBuf good = withChecksum(LINUX_SYN, SRC, DST);
        good.setByte(25, good.getByte(25) ^ 1);
        assertReason(good, "tcp.bad-checksum");
        assertReason(withChecksum(LINUX_SYN, SRC, DST), DST, SRC + 1, "tcp.bad-checksum");
    }

    @Test
    void randomBytesNeverThrowAnythingElse() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 80)];
            random.nextBytes(bytes);
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            if (bytes.length >= 20 && random.nextBoolean()) {
                b.setByte(12, (random.nextInt(5, 16) << 4));
                Tcp.fillChecksum(b, 0, SRC, DST);
            }
            try {
                Tcp.parse(b, SRC, DST);
            } catch (MalformedPacketException expected) {
                assertThat(expected.reason()).startsWith("tcp.");
            }
        }
    }

    /** The record-free way reads the same fields as the record, and rejects what parse rejects. */
    @Test
    void checkAndAccessorsReadWhatParseReads() throws Exception {
        TcpOptions o = TcpOptions.NONE.withTimestamp(5, 6).withSackBlocks(100, 200);
        ByteBuf out = Unpooled.directBuffer().writeZero(7).readerIndex(7);
        try {
            new Tcp(40000, 80, 0x89abcdef, 0xfedcba98, Tcp.ACK | Tcp.PSH, 512, 9, o).emit(out);
            out.writeBytes(new byte[] {1, 2, 3});
            Tcp.fillChecksum(out, 7, SRC, DST);
            Tcp header = Tcp.parse(out, SRC, DST);

            Tcp.check(out, SRC, DST);

            assertThat(Tcp.sourcePort(out, 7)).isEqualTo(header.sourcePort());
            assertThat(Tcp.destinationPort(out, 7)).isEqualTo(header.destinationPort());
            assertThat(Tcp.seq(out, 7)).isEqualTo(header.seq());
            assertThat(Tcp.ack(out, 7)).isEqualTo(header.ack());
            assertThat(Tcp.flags(out, 7)).isEqualTo(header.flags());
            assertThat(Tcp.window(out, 7)).isEqualTo(header.window());
            assertThat(Tcp.urgent(out, 7)).isEqualTo(header.urgent());
            assertThat(Tcp.headerLength(out, 7)).isEqualTo(header.headerLength());
            int options = 7 + Tcp.MIN_HEADER_LENGTH;
            int length = header.headerLength() - Tcp.MIN_HEADER_LENGTH;
            int ts = TcpOptions.find(out, options, length, TcpOptions.KIND_TIMESTAMP);
            assertThat(out.getInt(ts + 2)).isEqualTo(5);
            assertThat(out.getInt(ts + 6)).isEqualTo(6);
            assertThat(TcpOptions.find(out, options, length, TcpOptions.KIND_MSS)).isEqualTo(-1);
            assertThat(out.readerIndex()).as("check does not consume").isEqualTo(7);
        } finally {
            out.release();
        }
    }

    @Test
    void checkRejectsWhatParseRejects() {
        for (String hex : new String[] {"0201", "020300", "0205050505", "03020000", "0500", "050600000001", "0801",
                "1e"}) {
            ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
            assertThatThrownBy(() -> TcpOptions.find(b, 0, b.readableBytes(), TcpOptions.KIND_MSS)).as(hex)
                    .isInstanceOf(MalformedPacketException.class);
        }
        SplittableRandom random = new SplittableRandom(43);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 80)];
            random.nextBytes(bytes);
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            if (bytes.length >= 20) {
                b.setByte(12, (random.nextInt(5, 16) << 4));
                Tcp.fillChecksum(b, 0, SRC, DST);
            }
            String parsed = outcome(() -> Tcp.parse(b, SRC, DST));
            String checked = outcome(() -> Tcp.check(b, SRC, DST));
            assertThat(checked).as("bytes %s", ByteBufUtil.hexDump(b)).isEqualTo(parsed);
        }
    }

    private interface Validation {
        void run() throws MalformedPacketException;
    }

    private static String outcome(Validation validation) {
        try {
            validation.run();
            return "valid";
        } catch (MalformedPacketException e) {
            return e.reason();
        }
    }

    @Test
    void staticEmitWritesWhatTheRecordWrites() {
        ByteBuf byRecord = Unpooled.buffer();
        new Tcp(80, 49500, 0x01020304, 0xA0B0C0D0, Tcp.ACK | Tcp.PSH, 501, 0,
                TcpOptions.NONE.withTimestamp(0x11223344, 0x55667788)).emit(byRecord);
        ByteBuf byStatics = Unpooled.buffer();
        Tcp.emit(byStatics, 80, 49500, 0x01020304, 0xA0B0C0D0, Tcp.ACK | Tcp.PSH, 501, TcpOptions.TIMESTAMP_LENGTH);
        TcpOptions.emitTimestamp(byStatics, 0x11223344, 0x55667788);
        assertThat(ByteBufUtil.hexDump(byStatics)).isEqualTo(ByteBufUtil.hexDump(byRecord));

        ByteBuf plainRecord = Unpooled.buffer();
        new Tcp(1, 2, 3, 4, Tcp.ACK, 65535, 0, TcpOptions.NONE).emit(plainRecord);
        ByteBuf plainStatic = Unpooled.buffer();
        Tcp.emit(plainStatic, 1, 2, 3, 4, Tcp.ACK, 65535, 0);
        assertThat(ByteBufUtil.hexDump(plainStatic)).isEqualTo(ByteBufUtil.hexDump(plainRecord));
        byRecord.release();
        byStatics.release();
        plainRecord.release();
        plainStatic.release();
    }

    private static void assertReason(ByteBuf b, String reason) {
        assertReason(b, SRC, DST, reason);
    }

    private static void assertReason(ByteBuf b, int src, int dst, String reason) {
        assertThatThrownBy(() -> Tcp.parse(b, src, dst)).isInstanceOf(MalformedPacketException.class)
                .extracting(e -> ((MalformedPacketException) e).reason()).isEqualTo(reason);
    }
}
