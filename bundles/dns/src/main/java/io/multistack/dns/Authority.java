package io.multistack.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authoritative answer logic (RFC 1034 4.3.2 without delegations and wildcards): a pure
 * function of the zones and the question, so it is tested without any network.
 *
 * <ul>
 *   <li>a name outside every zone: REFUSED (we are no resolver);
 *   <li>data of the asked type: NOERROR, AA;
 *   <li>a CNAME: added and followed while the target stays in the same zone, at most
 *       {@value #MAX_CHAIN} links (a loop ends in SERVFAIL);
 *   <li>the name exists without that type: NODATA (NOERROR, empty answer, SOA in authority);
 *   <li>the name does not exist: NXDOMAIN with the SOA in authority (also at the end of a chain,
 *       RFC 6604), the SOA's TTL lowered to its MINIMUM field (RFC 2308).
 * </ul>
 * ANY returns every RRset at the name. NS records below the apex are served as plain data,
 * not as delegations.
 */
final class Authority {
    static final int MAX_CHAIN = 8;

    private Authority() {}

    static Answer answer(Catalog catalog, String questionName, DnsRecordType type) {
        String name = Names.normalize(questionName);
        Zone zone = catalog.find(name);
        if (zone == null) {
            return Answer.refused();
        }
        List<List<ResourceRecord>> answer = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        while (visited.add(name)) {
            Map<DnsRecordType, List<ResourceRecord>> node = zone.node(name);
            List<ResourceRecord> cname = node.get(DnsRecordType.CNAME);
            if (cname != null && !type.equals(DnsRecordType.CNAME) && !type.equals(DnsRecordType.ANY)) {
                answer.add(cname);
                String target = cname.getFirst().target();
                if (!Names.isAtOrBelow(target, zone.apex()) || answer.size() >= MAX_CHAIN) {
                    // the rest of the chain is another server's (or too long): the resolver goes on from here
                    return authoritative(DnsResponseCode.NOERROR, answer, List.of());
                }
                name = target;
                continue;
            }
            if (type.equals(DnsRecordType.ANY) && !node.isEmpty()) {
                answer.addAll(node.values());
                return authoritative(DnsResponseCode.NOERROR, answer, List.of());
            }
            List<ResourceRecord> data = node.get(type);
            if (data != null) {
                answer.add(data);
                return authoritative(DnsResponseCode.NOERROR, answer, List.of());
            }
            DnsResponseCode code = zone.exists(name) ? DnsResponseCode.NOERROR : DnsResponseCode.NXDOMAIN;
            return authoritative(code, answer, List.of(List.of(zone.negativeSoa())));
        }
        return new Answer(DnsResponseCode.SERVFAIL, false, List.of(), List.of()); // a CNAME loop
    }

    private static Answer authoritative(DnsResponseCode code, List<List<ResourceRecord>> answer,
            List<List<ResourceRecord>> authority) {
        return new Answer(code, true, List.copyOf(answer), authority);
    }
}
