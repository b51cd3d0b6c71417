package io.multistack.stack.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multistack.api.flow.Device;
import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import io.multistack.wire.Checksum;
import io.multistack.wire.MalformedPacketException;
import io.multistack.wire.Pcap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
    private static final long START = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicLong wallClock = new AtomicLong(START);
    private final LinkTaps taps = new LinkTaps(scheduler, () -> wallClock.getAndAdd(1_000));
    private final TestFrames frames = new TestFrames();
    private final Device device = taps.wrap(new RecordingDevice(frames));

    @AfterEach
    void nothingLeaks() {
        taps.close();
        scheduler.runAll();
        frames.releaseAndCheckNoLeaks();
    }

    private record Record(Pcap.RecordHeader header, byte[] bytes) {}

    private static List<Record> read(Path file) throws IOException, MalformedPacketException {
        ByteBuf in = Unpooled.wrappedBuffer(Files.readAllBytes(file));
        Pcap.FileHeader header = Pcap.FileHeader.read(in);
        assertThat(header).isEqualTo(new Pcap.FileHeader(true, 65535, Pcap.LINKTYPE_ETHERNET));
        List<Record> records = new ArrayList<>();
        while (in.isReadable()) {
            Pcap.RecordHeader record = Pcap.RecordHeader.read(in, header);
            byte[] bytes = new byte[record.capturedLength()];
            in.readBytes(bytes);
            records.add(new Record(record, bytes));
        }
        return records;
    }

    private static int number(Record record) {
        return TestFrames.number(Unpooled.wrappedBuffer(record.bytes()));
    }

    @Test
    void writesFramesOfBothDirectionsWithTheirTimes() throws Exception {
        Path file = dir.resolve("both.pcap");
        Capture capture = taps.capture(file, Duration.ofSeconds(10));
        ByteBuf first = frames.frame(1);
        byte[] firstBytes = TestFrames.bytes(first);

        taps.ingress(first, frames::receive);
        device.transmit(frames.frame(2));
        taps.ingress(frames.frame(3), frames::receive);
        capture.close();

        assertThat(capture.frames()).isEqualTo(3);
        List<Record> records = read(file);
        assertThat(records).extracting(CaptureTest::number).containsExactly(1, 2, 3);
        assertThat(records).extracting(Record::header).containsExactly(
                new Pcap.RecordHeader(START, 60, 60),
                new Pcap.RecordHeader(START + 1_000, 60, 60),
                new Pcap.RecordHeader(START + 2_000, 60, 60));
        assertThat(records.getFirst().bytes()).isEqualTo(firstBytes);
        assertThat(frames.received()).hasSize(3);
    }

    @Test
    void seesWhatTheStackSeesSendsBeforeFaultsReceivesAfter() throws Exception {
        Path file = dir.resolve("faults.pcap");
        taps.faults(new FaultSettings(1, 0, 0, 0, 0, 1));
        Capture capture = taps.capture(file, Duration.ofSeconds(10));

        taps.ingress(frames.frame(1), frames::receive);
        device.transmit(frames.frame(2));
        capture.close();

        assertThat(frames.received()).isEmpty();
        assertThat(read(file)).extracting(CaptureTest::number).containsExactly(2);
    }

    @Test
    void stopsAfterItsDuration() throws Exception {
        Path file = dir.resolve("short.pcap");
        PcapCapture capture = (PcapCapture) taps.capture(file, Duration.ofMillis(200));

        assertThat(capture.awaitEnd(Duration.ofSeconds(5))).isTrue();
        taps.ingress(frames.frame(1), frames::receive);

        assertThat(taps.capturing()).isNull();
        assertThat(capture.frames()).isZero();
        assertThat(Files.size(file)).isEqualTo(Pcap.FILE_HEADER_LENGTH);
        assertThat(capture).hasToString("0 frames into " + file + " (ended: duration over)");
        assertThat(frames.received()).hasSize(1);
    }

    @Test
    void runsOneAtATimeAndClosesIdempotently() throws Exception {
        Capture first = taps.capture(dir.resolve("first.pcap"), Duration.ofSeconds(10));

        assertThatThrownBy(() -> taps.capture(dir.resolve("second.pcap"), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("first.pcap");
        first.close();
        first.close();
        Capture second = taps.capture(dir.resolve("second.pcap"), Duration.ofSeconds(10));
        taps.ingress(frames.frame(1), frames::receive);
        second.close();

        assertThat(first.frames()).isZero();
        assertThat(second.frames()).isEqualTo(1);
    }

    @Test
    void failsAtOnceForAFileThatCannotBeWritten() {
        assertThatThrownBy(() -> taps.capture(dir.resolve("missing/x.pcap"), Duration.ofSeconds(1)))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> taps.capture(dir.resolve("zero.pcap"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(taps.capturing()).isNull();
    }

    @Test
    void tcpdumpAndTsharkReadTheFile() throws Exception {
        Path tcpdump = Path.of("/usr/bin/tcpdump");
        assumeTrue(Files.isExecutable(tcpdump), "tcpdump is not installed");
        LinkTaps realClock = new LinkTaps();
        Path file = dir.resolve("real.pcap");
        Capture capture = realClock.capture(file, Duration.ofSeconds(10));

        realClock.wrap(new RecordingDevice(frames)).transmit(arpRequest());
        realClock.ingress(udpToEcho("hello"), frames::receive);
        capture.close();

        assertThat(run(tcpdump.toString(), "-nn", "-r", file.toString())).satisfiesExactly(
                line -> assertThat(line).contains("ARP, Request who-has 192.168.1.1 tell 192.168.1.10, length 28"),
                line -> assertThat(line).contains("IP 192.168.1.10.40000 > 192.168.1.1.7: UDP, length 5"));
        Path tshark = Path.of("/usr/bin/tshark");
        if (Files.isExecutable(tshark)) {
            assertThat(run(tshark.toString(), "-n", "-r", file.toString())).satisfiesExactly(
                    line -> assertThat(line).contains("Who has 192.168.1.1? Tell 192.168.1.10"),
                    line -> assertThat(line).contains("192.168.1.10").contains("192.168.1.1"));
        }
    }

    /** The tool's standard output lines (stderr, with tshark's root warning, is not looked at). */
    private List<String> run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command[0], output).isZero();
        return output.lines().toList();
    }

    private static ByteBuf arpRequest() {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("ffffffffffff" + "02000000000a" + "0806"
                + "0001" + "0800" + "06" + "04" + "0001" + "02000000000a" + "c0a8010a" + "000000000000" + "c0a80101"));
    }

    /** 192.168.1.10:40000 → 192.168.1.1:7, without a UDP checksum (allowed over IPv4). */
    private static ByteBuf udpToEcho(String text) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuf frame = Unpooled.buffer();
        frame.writeBytes(ByteBufUtil.decodeHexDump("020000000001" + "02000000000a" + "0800"));
        int ip = frame.writerIndex();
        frame.writeByte(0x45).writeByte(0).writeShort(20 + 8 + payload.length).writeShort(0).writeShort(0x4000)
                .writeByte(64).writeByte(17).writeShort(0).writeInt(0xC0A8010A).writeInt(0xC0A80101);
        frame.setShort(ip + 10, Checksum.of(frame, ip, 20));
        frame.writeShort(40000).writeShort(7).writeShort(8 + payload.length).writeShort(0).writeBytes(payload);
        return frame;
    }
}
