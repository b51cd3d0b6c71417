package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapTest {
    /** Little-endian, nanosecond magic, version 2.4, zone 0, sigfigs 0, snaplen 65535, Ethernet. */
    private static final String GOLDEN_FILE_HEADER = "4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000"
            + "ffff0000" + "01000000";
    /** 2023-11-14T22:13:20.123456789Z, 4 of 4 bytes, then the bytes. */
    private static final long GOLDEN_TIME = 1_700_000_000_123_456_789L;
    private static final String GOLDEN_RECORD = "00f15365" + "15cd5b07" + "04000000" + "04000000" + "deadbeef";

    private final ByteBuf out = Unpooled.buffer();

    @AfterEach
    void release() {
        out.release();
    }

    @Test
    void constructsGoldenFileHeader() {
        Pcap.FileHeader.emit(out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(GOLDEN_FILE_HEADER);
        assertThat(out.readableBytes()).isEqualTo(Pcap.FILE_HEADER_LENGTH);
    }

    @Test
    void constructsGoldenRecordWithoutMovingTheFrame() {
        ByteBuf frame = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00deadbeef")).skipBytes(1);

        Pcap.writeRecord(out, GOLDEN_TIME, frame);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(GOLDEN_RECORD);
        assertThat(Pcap.recordLength(frame)).isEqualTo(out.readableBytes());
        assertThat(frame.readerIndex()).isEqualTo(1);
    }

    @Test
    void parsesGoldenFileBack() throws MalformedPacketException {
        out.writeBytes(ByteBufUtil.decodeHexDump(GOLDEN_FILE_HEADER + GOLDEN_RECORD));

        Pcap.FileHeader file = Pcap.FileHeader.read(out);
        Pcap.RecordHeader record = Pcap.RecordHeader.read(out, file);

        assertThat(file).isEqualTo(new Pcap.FileHeader(true, 65535, Pcap.LINKTYPE_ETHERNET));
        assertThat(record).isEqualTo(new Pcap.RecordHeader(GOLDEN_TIME, 4, 4));
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("deadbeef");
    }

    @Test
    void readsMicrosecondFiles() throws MalformedPacketException {
        out.writeBytes(ByteBufUtil.decodeHexDump("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000"
                + "ffff0000" + "01000000" + "00f15365" + "40e20100" + "00000000" + "3c000000"));

        Pcap.FileHeader file = Pcap.FileHeader.read(out);

        assertThat(file.nanoseconds()).isFalse();
        assertThat(Pcap.RecordHeader.read(out, file))
                .isEqualTo(new Pcap.RecordHeader(1_700_000_000_123_456_000L, 0, 60));
    }

    @Test
    void cutsFramesAtTheSnapLength() throws MalformedPacketException {
        ByteBuf big = Unpooled.buffer(70_000).writeZero(70_000);

        Pcap.writeRecord(out, 0, big);

        assertThat(Pcap.RecordHeader.read(out, new Pcap.FileHeader(true, 65535, 1)))
                .isEqualTo(new Pcap.RecordHeader(0, 65535, 70_000));
        assertThat(out.readableBytes()).isEqualTo(65535);
        big.release();
    }

    @Test
    void rejectsWhatIsNotAPcapFile() {
        ByteBuf text = Unpooled.copiedBuffer("this is no capture file", StandardCharsets.US_ASCII);
        ByteBuf badMagic = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(GOLDEN_FILE_HEADER.replace("4d3c", "0000")));
        ByteBuf badVersion = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(GOLDEN_FILE_HEADER.replace("0200", "0100")));

        assertThatThrownBy(() -> Pcap.FileHeader.read(text)).hasMessage("pcap.truncated");
        assertThatThrownBy(() -> Pcap.FileHeader.read(badMagic)).hasMessage("pcap.bad-magic");
        assertThatThrownBy(() -> Pcap.FileHeader.read(badVersion)).hasMessage("pcap.bad-version");
    }

    @Test
    void rejectsRecordsLongerThanTheFile() {
        out.writeBytes(ByteBufUtil.decodeHexDump(GOLDEN_RECORD.replace("04000000" + "04000000", "05000000" + "05000000")));

        assertThatThrownBy(() -> Pcap.RecordHeader.read(out, new Pcap.FileHeader(true, 65535, 1)))
                .hasMessage("pcap.bad-length");
    }

    @Test
    void tcpdumpReadsTheFile(@TempDir Path dir) throws IOException, InterruptedException {
        Path tcpdump = Path.of("/usr/bin/tcpdump");
        assumeTrue(Files.isExecutable(tcpdump), "tcpdump is not installed");
        // ARP who-has 192.168.1.1 tell 192.168.1.10, from 02:00:00:00:00:0a to broadcast
        byte[] arp = ByteBufUtil.decodeHexDump("ffffffffffff" + "02000000000a" + "0806"
                + "0001" + "0800" + "06" + "04" + "0001" + "02000000000a" + "c0a8010a" + "000000000000" + "c0a80101");
        Pcap.FileHeader.emit(out);
        Pcap.writeRecord(out, GOLDEN_TIME, Unpooled.wrappedBuffer(arp));
        Path file = dir.resolve("arp.pcap");
        Files.write(file, ByteBufUtil.getBytes(out));

        Process process = new ProcessBuilder(tcpdump.toString(), "-nn", "-tt", "-r", file.toString())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("reading from file")).toList();

        assertThat(process.exitValue()).as("%s", lines).isZero();
        assertThat(lines).singleElement().asString()
                .startsWith("1700000000.123456")
                .contains("ARP, Request who-has 192.168.1.1 tell 192.168.1.10, length 28");
    }
}
