package io.multistack.dns;

/** Zone files the tests share. */
final class Zones {
    private Zones() {}

    /** Every record type and every piece of master-file syntax the parser supports. */
    static final String EXAMPLE = """
            ; the example zone of the tests
            $ORIGIN example.test.
            $TTL 300
            @   IN  SOA ns1 hostmaster (
                    2026112501 ; serial
                    1h         ; refresh
                    15m 1w     ; retry, expire
                    60 )       ; minimum: negative answers are cached 60 s
                IN NS ns1
                NS ns2.example.test.
            ns1 A 192.168.1.1
            ns2 600 IN A 192.168.1.2
            www IN 120 A 192.168.1.80
            WWW2 A 192.168.1.81
            v6  AAAA 2001:db8::1
            alias CNAME www
            chain1 CNAME chain2
            chain2 CNAME alias
            loop1 CNAME loop2
            loop2 CNAME loop1
            out CNAME www.elsewhere.test.
            mail MX 10 mx1
            mx1 A 192.168.1.25
            txt TXT "v=spf1 -all" "with \\"quotes\\" and ; semicolon" bare
            _sip._tcp SRV 10 60 5060 sip
            ptr PTR www
            a.b.deep A 192.168.1.9
            $ORIGIN sub.example.test.
            host A 192.168.1.99
            """;

    static Zone example() throws ZoneFileException {
        return ZoneParser.parse("example.test.zone", EXAMPLE, "example.test");
    }

    /** A zone of {@code count} A records at {@code many.example.test.}, each 16 + 10 + 4 bytes on the wire. */
    static String manyAddresses(int count) {
        StringBuilder zone = new StringBuilder("$TTL 60\n@ SOA ns hostmaster 1 1h 15m 1w 60\n");
        for (int i = 0; i < count; i++) {
            zone.append("many A 10.0.").append(i / 250).append('.').append(i % 250 + 1).append('\n');
        }
        return zone.toString();
    }
}
