package io.multistack.dns;

import io.multistack.api.process.ServerProcess;
import io.netty.handler.codec.dns.DnsRecordType;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code dns:zones TENANT} and {@code dns:query TENANT NAME [TYPE]}: a tenant's DNS as its server sees it. */
@Component(service = DnsCommands.class, property = {"osgi.command.scope=dns", "osgi.command.function=zones",
        "osgi.command.function=query"})
public final class DnsCommands {
    private final List<DnsProcess> servers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = "(service=dns)")
    void addServer(ServerProcess process) {
        if (process instanceof DnsProcess dns) {
            servers.add(dns);
        }
    }

    void removeServer(ServerProcess process) {
        servers.remove(process);
    }

    @Descriptor("lists the zones a tenant's DNS server serves")
    public String zones(@Descriptor("tenant name") String tenant) {
        DnsProcess server = server(tenant);
        StringBuilder out = new StringBuilder(String.format("%-30s %10s %7s  %s%n", "ZONE", "SERIAL", "RECORDS", "FILE"));
        for (Zone zone : server.zones()) {
            out.append(String.format("%-30s %10d %7d  %s%n", zone.apex(), zone.serial(), zone.recordCount(),
                    zone.source()));
        }
        return out.append(server.status()).append('\n').toString();
    }

    @Descriptor("asks a tenant's DNS server for the A records of a name, as a client in the tenant's network would")
    public String query(@Descriptor("tenant name") String tenant, @Descriptor("domain name") String name) {
        return query(tenant, name, "A");
    }

    @Descriptor("asks a tenant's DNS server for records of a name and type, as a client in the tenant's network would")
    public String query(@Descriptor("tenant name") String tenant, @Descriptor("domain name") String name,
            @Descriptor("record type, e.g. A, AAAA, MX, TXT, SRV, SOA, NS, CNAME, PTR, ANY") String type) {
        DnsRecordType recordType = type(type);
        Answer answer = server(tenant).query(name, recordType);
        StringBuilder out = new StringBuilder();
        out.append("status: ").append(rcodeName(answer.code().intValue()))
                .append(answer.authoritative() ? ", flags: aa" : "").append('\n');
        section(out, "ANSWER", answer.answer());
        section(out, "AUTHORITY", answer.authority());
        return out.toString();
    }

    private static void section(StringBuilder out, String title, List<List<ResourceRecord>> rrsets) {
        if (!rrsets.isEmpty()) {
            out.append(title).append(":\n");
            rrsets.forEach(rrset -> rrset.forEach(record -> out.append(record.presentation()).append('\n')));
        }
    }

    /** The names dig prints. */
    private static String rcodeName(int code) {
        List<String> names = List.of("NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED");
        return code < names.size() ? names.get(code) : "RCODE" + code;
    }

    private static DnsRecordType type(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (DnsRecordType known : List.of(DnsRecordType.A, DnsRecordType.AAAA, DnsRecordType.CNAME, DnsRecordType.MX,
                DnsRecordType.NS, DnsRecordType.PTR, DnsRecordType.SOA, DnsRecordType.SRV, DnsRecordType.TXT,
                DnsRecordType.ANY)) {
            if (known.name().equals(upper)) {
                return known;
            }
        }
        throw new IllegalArgumentException("unknown record type '" + text + "'");
    }

    private DnsProcess server(String tenant) {
        return servers.stream().filter(server -> server.tenant().equals(tenant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("tenant " + tenant
                        + " runs no dns server (add dns to the services key of its tenant file)"));
    }
}
