package io.multistack.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded zone, immutable: its apex (the SOA owner), its SOA, and its records grouped by
 * owner name and type (RRsets). Names that exist only because names below them do (empty
 * non-terminals) exist too, so that they answer NODATA rather than NXDOMAIN (RFC 8020).
 */
final class Zone {
    private final String apex;
    private final String source;
    private final ResourceRecord soa;
    private final Map<String, Map<DnsRecordType, List<ResourceRecord>>> nodes;
    private final Set<String> existing;
    private final int recordCount;

    /** @param records every record of the zone, all at or below the SOA's owner, exactly one SOA */
    Zone(String source, ResourceRecord soa, List<ResourceRecord> records) {
        this.apex = soa.name();
        this.source = source;
        this.soa = soa;
        Map<String, Map<DnsRecordType, List<ResourceRecord>>> byName = new LinkedHashMap<>();
        for (ResourceRecord record : records) {
            List<ResourceRecord> rrset = byName.computeIfAbsent(record.name(), n -> new LinkedHashMap<>())
                    .computeIfAbsent(record.type(), t -> new ArrayList<>());
            if (rrset.stream().noneMatch(record::sameData)) { // an RRset is a set (RFC 2181 5)
                rrset.add(record);
            }
        }
        Map<String, Map<DnsRecordType, List<ResourceRecord>>> frozen = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        int count = 0;
        for (var node : byName.entrySet()) {
            Map<DnsRecordType, List<ResourceRecord>> types = new LinkedHashMap<>();
            for (var rrset : node.getValue().entrySet()) {
                types.put(rrset.getKey(), List.copyOf(rrset.getValue()));
                count += rrset.getValue().size();
            }
            frozen.put(node.getKey(), Collections.unmodifiableMap(types));
            for (String name = node.getKey(); name != null && Names.isAtOrBelow(name, apex); name = Names.parent(name)) {
                names.add(name);
                if (name.equals(apex)) {
                    break;
                }
            }
        }
        this.nodes = Collections.unmodifiableMap(frozen);
        this.existing = Set.copyOf(names);
        this.recordCount = count;
    }

    String apex() {
        return apex;
    }

    /** The file the zone came from. */
    String source() {
        return source;
    }

    ResourceRecord soa() {
        return soa;
    }

    int recordCount() {
        return recordCount;
    }

    long serial() {
        return java.nio.ByteBuffer.wrap(soa.rdata(), soa.rdata().length - 20, 4).getInt() & 0xFFFFFFFFL;
    }

    /** RFC 2308: negative answers are cached for the lesser of the SOA's TTL and its MINIMUM field. */
    ResourceRecord negativeSoa() {
        long minimum = java.nio.ByteBuffer.wrap(soa.rdata(), soa.rdata().length - 4, 4).getInt() & 0xFFFFFFFFL;
        return soa.withTtl(Math.min(minimum, soa.ttl()));
    }

    /** The RRsets at a name, by type; empty when the name owns no records. */
    Map<DnsRecordType, List<ResourceRecord>> node(String name) {
        return nodes.getOrDefault(name, Map.of());
    }

    /** Whether the name exists in the zone (owns records or has names below it). */
    boolean exists(String name) {
        return existing.contains(name);
    }

    /** Every RRset, in file order, for listings. */
    List<List<ResourceRecord>> rrsets() {
        List<List<ResourceRecord>> all = new ArrayList<>();
        nodes.values().forEach(types -> all.addAll(types.values()));
        return all;
    }
}
