package io.multistack.dns;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns one decoded query into its response, message level: checks the query, asks
 * {@link Authority}, and fits the answer into the size the transport allows — over UDP 512
 * bytes, or with EDNS0 (RFC 6891) the client's advertised size capped at our maximum; over
 * TCP 65535. What does not fit is cut at a whole RRset of the answer section, the authority
 * section dropped and TC set. An OPT record in the query gets one in the response.
 */
final class QueryProcessor {
    static final int TCP_MAX = 65535;
    private static final int HEADER = 12;
    /** Root name, type, class, TTL, RDLENGTH: an OPT without options. */
    private static final int OPT_SIZE = 11;
    private static final int QUESTION_FIXED = 4;
    private static final int EDNS_VERSION = 0;

    private final Supplier<Catalog> catalog;
    private final int maxUdpSize;
    private final DnsCounters counters;

    QueryProcessor(Supplier<Catalog> catalog, int maxUdpSize, DnsCounters counters) {
        this.catalog = catalog;
        this.maxUdpSize = maxUdpSize;
        this.counters = counters;
    }

    /** Fills {@code response} (created with the query's id and opcode) for {@code query}. */
    void respond(DnsQuery query, DnsResponse response, boolean udp) {
        counters.queries.increment();
        response.setRecursionDesired(query.isRecursionDesired());
        int optCount = 0;
        int advertised = 0;
        int version = 0;
        for (int i = 0; i < query.count(DnsSection.ADDITIONAL); i++) {
            DnsRecord record = query.recordAt(DnsSection.ADDITIONAL, i);
            if (record.type().equals(DnsRecordType.OPT)) {
                optCount++;
                // OPT carries the requestor's UDP payload size as its class, the EDNS version in its TTL
                advertised = record.dnsClass();
                version = (int) (record.timeToLive() >> 16) & 0xFF;
            }
        }
        boolean edns = optCount == 1;
        DnsQuestion question = query.count(DnsSection.QUESTION) == 1 ? query.recordAt(DnsSection.QUESTION) : null;
        if (question != null && !encodable(question.name())) {
            question = null; // FORMERR without echoing what the codec could not write back
        }
        if (question != null) {
            response.addRecord(DnsSection.QUESTION,
                    new DefaultDnsQuestion(question.name(), question.type(), question.dnsClass()));
        }
        Answer answer;
        if (edns && version != EDNS_VERSION) {
            // RFC 6891 6.1.3: BADVERS (16) is extended RCODE 1 in the OPT over header RCODE 0
            fit(response, Answer.of(DnsResponseCode.NOERROR), 0);
            response.addRecord(DnsSection.ADDITIONAL, new Opt(maxUdpSize, 1));
            return;
        }
        if (question == null || optCount > 1) {
            counters.formErrors.increment();
            answer = Answer.of(DnsResponseCode.FORMERR);
        } else if (!query.opCode().equals(DnsOpCode.QUERY)) {
            answer = Answer.of(DnsResponseCode.NOTIMP);
        } else if (question.dnsClass() != ResourceRecord.IN || isTransfer(question.type())) {
            answer = Answer.refused();
        } else {
            answer = Authority.answer(catalog.get(), question.name(), question.type());
        }
        if (answer.code().equals(DnsResponseCode.REFUSED)) {
            counters.refused.increment();
        }
        int limit = !udp ? TCP_MAX
                : edns ? Math.clamp(advertised, DnsSettings.CLASSIC_UDP_SIZE, maxUdpSize) : DnsSettings.CLASSIC_UDP_SIZE;
        int header = HEADER + (question == null ? 0 : Names.wireLength(Names.normalize(question.name())) + QUESTION_FIXED)
                + (edns ? OPT_SIZE : 0);
        fit(response, answer, limit - header);
        if (edns) {
            response.addRecord(DnsSection.ADDITIONAL, new Opt(maxUdpSize, 0));
        }
    }

    private void fit(DnsResponse response, Answer answer, int room) {
        response.setCode(answer.code());
        response.setAuthoritativeAnswer(answer.authoritative());
        int whole = size(answer.answer()) + size(answer.authority());
        if (whole <= room) {
            add(response, DnsSection.ANSWER, answer.answer());
            add(response, DnsSection.AUTHORITY, answer.authority());
            return;
        }
        counters.truncated.increment();
        response.setTruncated(true);
        int used = 0;
        for (List<ResourceRecord> rrset : answer.answer()) {
            int size = size(List.of(rrset));
            if (used + size > room) {
                break;
            }
            add(response, DnsSection.ANSWER, List.of(rrset));
            used += size;
        }
    }

    /**
     * Whether the codec can write the name back: labels with a dot or NUL byte inside decode into
     * names with empty labels or NULs, which the encoder rejects.
     */
    private static boolean encodable(String name) {
        return name.equals(Names.ROOT) || !name.startsWith(".") && !name.contains("..") && name.indexOf('\0') < 0;
    }

    private static boolean isTransfer(DnsRecordType type) {
        return type.equals(DnsRecordType.AXFR) || type.equals(DnsRecordType.IXFR);
    }

    private static int size(List<List<ResourceRecord>> rrsets) {
        return rrsets.stream().flatMap(List::stream).mapToInt(ResourceRecord::wireSize).sum();
    }

    private static void add(DnsResponse response, DnsSection section, List<List<ResourceRecord>> rrsets) {
        for (List<ResourceRecord> rrset : rrsets) {
            for (ResourceRecord record : rrset) {
                response.addRecord(section, new DefaultDnsRawRecord(record.name(), record.type(), ResourceRecord.IN,
                        record.ttl(), Unpooled.wrappedBuffer(record.rdata())));
            }
        }
    }

    /** Our OPT: the payload size we accept, version 0, no options. */
    private static final class Opt extends io.netty.handler.codec.dns.AbstractDnsOptPseudoRrRecord {
        Opt(int payloadSize, int extendedRcode) {
            super(payloadSize, extendedRcode, EDNS_VERSION);
        }
    }
}
