package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.AbstractDnsOptPseudoRrRecord;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's pipelines in embedded channels: real wire bytes in and out, no network, no threads. */
class QueryHandlerTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.168.1.10", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("192.168.1.1", 53);
    /** 100 A records of 29 bytes each at many.big.test.: 2900 bytes. */
    private static final int MANY = 100;

    private final DnsCounters counters = new DnsCounters();
    private final List<DnsResponse> received = new java.util.ArrayList<>();
    private Catalog catalog;
    private long now;

    @BeforeEach
    void zones() throws Exception {
        String big = Zones.manyAddresses(MANY) + "alias CNAME many\nfew A 10.1.0.1\nfew A 10.1.0.2\n";
        catalog = new Catalog(List.of(Zones.example(), ZoneParser.parse("big.test.zone", big, "big.test")));
    }

    @AfterEach
    void release() {
        received.forEach(DnsResponse::release);
    }

    private EmbeddedChannel udpServer(int maxUdpSize, int rateLimit) {
        QueryProcessor processor = new QueryProcessor(() -> catalog, maxUdpSize, counters);
        return new EmbeddedChannel(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                new QueryHandler(processor, new RateLimiter(rateLimit, () -> now), counters, false));
    }

    private EmbeddedChannel tcpServer() {
        QueryProcessor processor = new QueryProcessor(() -> catalog, 1232, counters);
        return new EmbeddedChannel(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                new QueryHandler(processor, new RateLimiter(0, () -> now), counters, true));
    }

    /** A query as dig sends it; {@code ednsSize} 0 means without an OPT record. */
    private static ByteBuf query(int id, String name, DnsRecordType type, int ednsSize) {
        return query(id, name, type, ednsSize, 0);
    }

    private static ByteBuf query(int id, String name, DnsRecordType type, int ednsSize, int ednsVersion) {
        DatagramDnsQuery query = new DatagramDnsQuery(CLIENT, SERVER, id);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        if (ednsSize > 0) {
            query.addRecord(DnsSection.ADDITIONAL, new AbstractDnsOptPseudoRrRecord(ednsSize, 0, ednsVersion) {});
        }
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        encoder.writeOutbound(query);
        DatagramPacket packet = encoder.readOutbound();
        return packet.content();
    }

    /** Sends datagram bytes; returns the decoded response, or null when the server stayed silent. */
    private DnsResponse udp(EmbeddedChannel server, ByteBuf bytes) {
        server.writeInbound(new DatagramPacket(bytes, SERVER, CLIENT));
        DatagramPacket reply = server.readOutbound();
        if (reply == null) {
            return null;
        }
        assertThat(reply.recipient()).isEqualTo(CLIENT);
        return decode(reply.content());
    }

    private DnsResponse decode(ByteBuf message) {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        decoder.writeInbound(new DatagramPacket(message, CLIENT, SERVER));
        DnsResponse response = decoder.readInbound();
        received.add(response);
        return response;
    }

    private static List<String> section(DnsResponse response, DnsSection section) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < response.count(section); i++) {
            DnsRecord record = response.recordAt(section, i);
            out.add(record.name() + " " + record.type().name());
        }
        return out;
    }

    @Test
    void answersAuthoritativelyWithTheQuestionAndId() {
        DnsResponse response = udp(udpServer(1232, 0), query(4711, "WWW.example.test.", DnsRecordType.A, 0));
        assertThat(response.id()).isEqualTo(4711);
        assertThat(response.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(response.isAuthoritativeAnswer()).isTrue();
        assertThat(response.isTruncated()).isFalse();
        assertThat(response.<DnsRecord>recordAt(DnsSection.QUESTION).name()).isEqualTo("WWW.example.test.");
        assertThat(section(response, DnsSection.ANSWER)).containsExactly("www.example.test. A");
        assertThat(response.count(DnsSection.ADDITIONAL)).as("no OPT without EDNS in the query").isZero();
    }

    @Test
    void nxdomainCarriesTheSoaInAuthority() {
        DnsResponse response = udp(udpServer(1232, 0), query(1, "none.example.test.", DnsRecordType.A, 0));
        assertThat(response.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        assertThat(response.isAuthoritativeAnswer()).isTrue();
        assertThat(section(response, DnsSection.AUTHORITY)).containsExactly("example.test. SOA");
        assertThat(response.<DnsRecord>recordAt(DnsSection.AUTHORITY).timeToLive()).isEqualTo(60);
    }

    @Test
    void refusedOutsideTheZonesAndForOtherClasses() {
        EmbeddedChannel server = udpServer(1232, 0);
        DnsResponse outside = udp(server, query(1, "www.elsewhere.test.", DnsRecordType.A, 0));
        assertThat(outside.code()).isEqualTo(DnsResponseCode.REFUSED);
        assertThat(outside.isAuthoritativeAnswer()).isFalse();
        DatagramDnsQuery chaos = new DatagramDnsQuery(CLIENT, SERVER, 2);
        chaos.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("www.example.test.", DnsRecordType.A, 3));
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        encoder.writeOutbound(chaos);
        assertThat(udp(server, encoder.<DatagramPacket>readOutbound().content()).code())
                .isEqualTo(DnsResponseCode.REFUSED);
        assertThat(counters.refused.sum()).isEqualTo(2);
    }

    @Test
    void largeAnswerOverUdpWithoutEdnsIsTruncatedTo512Bytes() {
        DnsResponse response = udp(udpServer(1232, 0), query(1, "many.big.test.", DnsRecordType.A, 0));
        assertThat(response.isTruncated()).isTrue();
        assertThat(response.count(DnsSection.ANSWER)).as("one RRset that does not fit: emptied").isZero();
        assertThat(counters.truncated.sum()).isEqualTo(1);
    }

    @Test
    void truncationCutsAtAWholeRrset() {
        DnsResponse response = udp(udpServer(1232, 0), query(1, "alias.big.test.", DnsRecordType.A, 0));
        assertThat(response.isTruncated()).isTrue();
        assertThat(section(response, DnsSection.ANSWER)).containsExactly("alias.big.test. CNAME");
    }

    @Test
    void ednsSizeIsHonouredUpToOurCapAndOptIsEchoed() {
        DnsResponse capped = udp(udpServer(1232, 0), query(1, "many.big.test.", DnsRecordType.A, 4096));
        assertThat(capped.isTruncated()).as("2900 bytes > our cap 1232").isTrue();
        DnsRecord opt = capped.recordAt(DnsSection.ADDITIONAL);
        assertThat(opt.type()).isEqualTo(DnsRecordType.OPT);
        assertThat(opt.dnsClass()).as("our payload size").isEqualTo(1232);

        DnsResponse whole = udp(udpServer(4096, 0), query(2, "many.big.test.", DnsRecordType.A, 4096));
        assertThat(whole.isTruncated()).isFalse();
        assertThat(whole.count(DnsSection.ANSWER)).isEqualTo(MANY);

        DnsResponse small = udp(udpServer(4096, 0), query(3, "many.big.test.", DnsRecordType.A, 1400));
        assertThat(small.isTruncated()).as("the client's 1400 bytes limit, not our 4096").isTrue();
    }

    @Test
    void ednsBelow512CountsAs512() {
        DnsResponse response = udp(udpServer(1232, 0), query(1, "few.big.test.", DnsRecordType.A, 100));
        assertThat(response.isTruncated()).isFalse();
        assertThat(response.count(DnsSection.ANSWER)).isEqualTo(2);
    }

    @Test
    void tcpGivesTheFullAnswer() {
        EmbeddedChannel server = tcpServer();
        ByteBuf message = query(9, "many.big.test.", DnsRecordType.A, 0);
        ByteBuf framed = Unpooled.buffer().writeShort(message.readableBytes()).writeBytes(message);
        message.release();
        server.writeInbound(framed);
        ByteBuf reply = server.readOutbound();
        int length = reply.readUnsignedShort();
        assertThat(length).isEqualTo(reply.readableBytes()).isGreaterThan(2900);
        DnsResponse response = decode(reply);
        assertThat(response.isTruncated()).isFalse();
        assertThat(response.count(DnsSection.ANSWER)).isEqualTo(MANY);
    }

    @Test
    void malformedDatagramsAreCountedAndDroppedAndTheServerGoesOnAnswering() {
        EmbeddedChannel server = udpServer(1232, 0);
        Random random = new Random(53);
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(60)];
            random.nextBytes(garbage);
            server.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(garbage), SERVER, CLIENT));
            DatagramPacket reply = server.readOutbound();
            if (reply != null) {
                reply.release(); // random bytes may happen to form a query: then it is answered
            }
            sent++;
        }
        assertThat(sent).isEqualTo(200);
        assertThat(counters.malformed.sum()).isGreaterThan(100);
        byte[] responseBit = {0, 1, (byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};
        assertThat(udp(server, Unpooled.wrappedBuffer(responseBit))).as("a response is never answered").isNull();
        assertThat(udp(server, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))).as("shorter than a header").isNull();
        assertThat(server.isActive()).isTrue();
        assertThat(udp(server, query(7, "www.example.test.", DnsRecordType.A, 0)).code())
                .isEqualTo(DnsResponseCode.NOERROR);
    }

    @Test
    void queryWithoutAQuestionGetsFormerr() {
        byte[] header = {0, 42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        DnsResponse response = udp(udpServer(1232, 0), Unpooled.wrappedBuffer(header));
        assertThat(response.id()).isEqualTo(42);
        assertThat(response.code()).isEqualTo(DnsResponseCode.FORMERR);
        assertThat(counters.formErrors.sum()).isEqualTo(1);
    }

    @Test
    void malformedTcpClosesTheConnection() {
        EmbeddedChannel server = tcpServer();
        server.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 3, 1, 2, 3}));
        assertThat(server.isActive()).isFalse();
        assertThat(counters.malformed.sum()).isEqualTo(1);
    }

    @Test
    void responsesBeyondTheRateAreDroppedAndCounted() {
        EmbeddedChannel server = udpServer(1232, 3);
        int answered = 0;
        for (int i = 0; i < 5; i++) {
            answered += udp(server, query(i, "www.example.test.", DnsRecordType.A, 0)) == null ? 0 : 1;
        }
        assertThat(answered).isEqualTo(3);
        assertThat(counters.rateLimited.sum()).isEqualTo(2);
        now += 1_000_000_000L;
        assertThat(udp(server, query(9, "www.example.test.", DnsRecordType.A, 0))).isNotNull();
    }

    @Test
    void unknownEdnsVersionGetsBadvers() {
        DnsResponse response = udp(udpServer(1232, 0), query(5, "www.example.test.", DnsRecordType.A, 1232, 1));
        assertThat(response.code().intValue()).as("header RCODE: low bits of BADVERS (16)").isZero();
        assertThat(response.count(DnsSection.ANSWER)).isZero();
        DnsRecord opt = response.recordAt(DnsSection.ADDITIONAL);
        assertThat(opt.type()).isEqualTo(DnsRecordType.OPT);
        assertThat(opt.timeToLive() >> 24).as("extended RCODE: high bits of BADVERS").isEqualTo(1);
        assertThat(opt.timeToLive() >> 16 & 0xFF).as("our version").isZero();
    }

    @Test
    void idleTcpConnectionsAreClosed() {
        EmbeddedChannel connection = new EmbeddedChannel(new IdleTimeout(10_000));
        connection.advanceTimeBy(9, java.util.concurrent.TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        connection.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
        connection.<ByteBuf>readInbound().release();
        connection.advanceTimeBy(9, java.util.concurrent.TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        assertThat(connection.isActive()).as("a read restarted the timer").isTrue();
        connection.advanceTimeBy(2, java.util.concurrent.TimeUnit.SECONDS);
        connection.runScheduledPendingTasks();
        assertThat(connection.isActive()).isFalse();
    }

    @Test
    void namesTheCodecCannotWriteBackAreRefusedAsMalformedOrFormerr() {
        EmbeddedChannel server = udpServer(1232, 0);
        byte[] header = {0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
        byte[] dotInLabel = {2, '.', 'a', 0, 0, 1, 0, 1};
        byte[] nulInLabel = {2, 'a', 0, 0, 0, 1, 0, 1};
        for (byte[] question : List.of(dotInLabel, nulInLabel)) {
            long malformed = counters.malformed.sum();
            DnsResponse response = udp(server, Unpooled.buffer().writeBytes(header).writeBytes(question));
            if (response == null) {
                assertThat(counters.malformed.sum()).as("dropped by the decoder").isEqualTo(malformed + 1);
            } else {
                assertThat(response.code()).isEqualTo(DnsResponseCode.FORMERR);
                assertThat(response.count(DnsSection.QUESTION)).isZero();
            }
        }
        assertThat(udp(server, query(8, "www.example.test.", DnsRecordType.A, 0)).code())
                .isEqualTo(DnsResponseCode.NOERROR);
    }
}
