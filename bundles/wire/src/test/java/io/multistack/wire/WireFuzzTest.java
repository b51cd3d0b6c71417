package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every method that reads untrusted bytes. Whatever arrives, the only
 * permitted failure is {@link MalformedPacketException} (a counted drop); anything else
 * (IndexOutOfBoundsException, arithmetic surprises) would kill a receive loop. Parsers
 * must also leave the bytes and, except {@code Vxlan.decode} on success, the reader index
 * alone. A failure names the seed, the case and the input so it reproduces.
 */
class WireFuzzTest {
    private static final long SEED = 0x5EED_2026_1125L;
    private static final int CASES = 20_000;

    @FunctionalInterface
    interface Parser {
        void parse(ByteBuf untrusted) throws MalformedPacketException;
    }

    /** How often the receive-path walk got through each layer: proof the fuzz reaches deep. */
    private final Map<String, Integer> layersPassed = new TreeMap<>();

    /** Every parse entry point of the package, applied at the reader index. */
    private final Map<String, Parser> parsers = parsers();

    private Map<String, Parser> parsers() {
        Map<String, Parser> parsers = new LinkedHashMap<>();
        parsers.put("Ethernet.Header.parse", Ethernet.Header::parse);
        parsers.put("Dot1q.isTagged", Dot1q::isTagged);
        parsers.put("Dot1q.vid", Dot1q::vid);
        parsers.put("Arp.parse", Arp::parse);
        parsers.put("Ipv4.parse", Ipv4::parse);
        parsers.put("Icmpv4.parse", Icmpv4::parse);
        parsers.put("Udp.parse", datagram -> Udp.parse(datagram, GoldenPackets.SITE_IP, GoldenPackets.TENANT_IP));
        parsers.put("Vxlan.decode", Vxlan::decode);
        parsers.put("walk a frame", this::walkFrame);
        parsers.put("walk an IPv4 packet", this::walkIpv4);
        return parsers;
    }

    /** What a receive path does with a frame: Ethernet, optional tag, then ARP or IPv4 and what it carries. */
    private void walkFrame(ByteBuf shared) throws MalformedPacketException {
        ByteBuf frame = Unpooled.copiedBuffer(shared); // untag writes; the fuzz input must stay intact
        try {
            int etherType = Ethernet.Header.parse(frame).etherType();
            passed("ethernet");
            if (Dot1q.isTagged(frame)) {
                Dot1q.vid(frame);
                Dot1q.untag(frame);
                etherType = Ethernet.etherType(frame);
                passed("dot1q");
            }
            frame.skipBytes(Ethernet.HEADER_LENGTH);
            if (etherType == Ethernet.TYPE_ARP) {
                Arp.parse(frame);
                passed("arp");
            } else if (etherType == Ethernet.TYPE_IPV4) {
                walkIpv4(frame);
            }
        } finally {
            frame.release();
        }
    }

    private void walkIpv4(ByteBuf packet) throws MalformedPacketException {
        Ipv4 ip = Ipv4.parse(packet);
        passed(ip.headerLength() > Ipv4.MIN_HEADER_LENGTH ? "ipv4 with options" : "ipv4");
        ByteBuf payload = packet.slice(packet.readerIndex() + ip.headerLength(), ip.payloadLength());
        if (ip.protocol() == Ipv4.PROTOCOL_ICMP) {
            Icmpv4.parse(payload);
            passed("icmp");
        } else if (ip.protocol() == Ipv4.PROTOCOL_UDP) {
            Udp udp = Udp.parse(payload, ip.source(), ip.destination());
            passed("udp");
            if (udp.destinationPort() == Vxlan.PORT) {
                ByteBuf vxlan = payload.slice(Udp.HEADER_LENGTH, udp.length() - Udp.HEADER_LENGTH);
                Vxlan.decode(vxlan);
                passed("vxlan");
                walkFrame(vxlan);
            }
        }
    }

    private void passed(String layer) {
        layersPassed.merge(layer, 1, Integer::sum);
    }

    @Test
    void randomBytesOnlyEverRaiseMalformedPacketException() {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            byte[] input = new byte[random.nextInt(random.nextBoolean() ? 64 : 1600)];
            random.nextBytes(input);
            feedToEveryParser("random", i, input, random.nextInt(8));
        }
    }

    /** Random bytes rarely pass a version check, so also mutate real packets: those reach every layer. */
    @Test
    void mutatedGoldenPacketsOnlyEverRaiseMalformedPacketException() {
        List<byte[]> seeds = List.of(
                Bytes.hex(GoldenPackets.ARP_REQUEST_FRAME), Bytes.hex(GoldenPackets.ARP_REPLY_FRAME),
                Bytes.hex(GoldenPackets.TAGGED_FRAME), Bytes.hex(GoldenPackets.UNTAGGED_FRAME),
                Bytes.hex(GoldenPackets.TAGGED_PCP_DEI_FRAME), Bytes.hex(GoldenPackets.VXLAN_PACKET),
                Bytes.hex(GoldenPackets.UDP_PACKET), Bytes.hex(GoldenPackets.ICMP_ECHO_REQUEST_PACKET),
                Bytes.hex(GoldenPackets.IPV4_WITH_OPTIONS_PACKET));
        Random random = new Random(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            feedToEveryParser("mutated", i, input, random.nextInt(8));
        }

        assertThat(layersPassed).as("layers the walk got through").allSatisfy((layer, count) ->
                assertThat(count).as(layer).isGreaterThan(100));
        assertThat(layersPassed).containsOnlyKeys(
                "ethernet", "dot1q", "arp", "ipv4", "ipv4 with options", "icmp", "udp", "vxlan");
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            case 3 -> {
                byte[] tail = new byte[1 + random.nextInt(16)];
                random.nextBytes(tail);
                bytes = Arrays.copyOf(bytes, bytes.length + tail.length);
                System.arraycopy(tail, 0, bytes, seed.length, tail.length);
            }
            default -> {
                for (int changes = 1 + random.nextInt(4); changes > 0; changes--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
        }
        // half the time repair IPv4 header checksums, so mutations reach the layers behind them
        if (random.nextBoolean()) {
            for (int offset : new int[] {0, Ethernet.HEADER_LENGTH, Ethernet.HEADER_LENGTH + Dot1q.TAG_LENGTH}) {
                repairIpv4Checksum(bytes, offset);
            }
        }
        return bytes;
    }

    private static void repairIpv4Checksum(byte[] bytes, int offset) {
        if (bytes.length >= offset + 20 && (bytes[offset] & 0xFF) >>> 4 == 4) {
            int headerLength = (bytes[offset] & 0x0F) * 4;
            if (headerLength >= 20 && offset + headerLength <= bytes.length) {
                ReferenceChecksum.refreshIpv4(bytes, offset, headerLength);
            }
        }
    }

    /** Runs every parser on the input placed after {@code headroom} filler bytes. */
    private void feedToEveryParser(String kind, int caseNumber, byte[] input, int headroom) {
        byte[] backing = new byte[headroom + input.length];
        System.arraycopy(input, 0, backing, headroom, input.length);
        byte[] pristine = backing.clone();
        ByteBuf buf = Unpooled.wrappedBuffer(backing);
        try {
            for (Map.Entry<String, Parser> parser : parsers.entrySet()) {
                Supplier<String> where = () -> String.format("%s case %d (seed %#x), %s, headroom %d, input %s", kind,
                        caseNumber, SEED, parser.getKey(), headroom, ByteBufUtil.hexDump(input));
                buf.readerIndex(headroom);

                boolean accepted = parseOnce(parser.getValue(), buf, where);

                if (!accepted || !parser.getKey().equals("Vxlan.decode")) {
                    assertThat(buf.readerIndex()).as(where).isEqualTo(headroom);
                }
                if (!Arrays.equals(backing, pristine)) {
                    fail("bytes changed by " + where.get());
                }
            }
        } finally {
            // an empty array is wrapped as Netty's shared EMPTY_BUFFER, which is never freed
            assertThat(buf.release()).isEqualTo(backing.length > 0);
        }
    }

    private static boolean parseOnce(Parser parser, ByteBuf buf, Supplier<String> where) {
        try {
            parser.parse(buf);
            return true;
        } catch (MalformedPacketException expected) {
            assertThat(expected.reason()).as(where).matches("[a-z0-9]+\\.[a-z-]+");
            return false;
        } catch (RuntimeException unexpected) {
            throw new AssertionError("not a MalformedPacketException: " + unexpected + " in " + where.get(), unexpected);
        }
    }

    @Test
    void ipv4AddressParseOnlyEverRaisesIllegalArgumentException() {
        Pattern strict = Pattern.compile("\\s*(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\s*");
        Random random = new Random(SEED + 2);
        int acceptedCount = 0;
        for (int i = 0; i < CASES; i++) {
            String candidate = addressLikeText(random);
            int address;
            try {
                address = Ipv4Address.parse(candidate);
            } catch (IllegalArgumentException rejected) {
                assertThat(rejected).hasMessageContaining("'" + candidate + "'");
                continue;
            }
            acceptedCount++;
            Matcher matcher = strict.matcher(candidate);
            assertThat(matcher.matches()).as("accepted '%s'", candidate).isTrue();
            String canonical = Integer.parseInt(matcher.group(1)) + "." + Integer.parseInt(matcher.group(2)) + "."
                    + Integer.parseInt(matcher.group(3)) + "." + Integer.parseInt(matcher.group(4));
            assertThat(Ipv4Address.format(address)).as("'%s'", candidate).isEqualTo(canonical);
        }
        assertThat(acceptedCount).as("some random texts are addresses").isPositive();
    }

    /** Mostly dotted digit groups, with missing, extra or odd separators and stray characters. */
    private static String addressLikeText(Random random) {
        String junk = "-+xe/: \t";
        StringBuilder text = new StringBuilder();
        int groups = 3 + random.nextInt(3);
        for (int group = 0; group < groups; group++) {
            if (group > 0) {
                text.append(random.nextInt(10) == 0 ? junk.charAt(random.nextInt(junk.length())) : '.');
            }
            for (int digits = random.nextInt(5); digits > 0; digits--) {
                text.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextInt(20) == 0) {
                text.append(junk.charAt(random.nextInt(junk.length())));
            }
        }
        return text.toString();
    }
}
