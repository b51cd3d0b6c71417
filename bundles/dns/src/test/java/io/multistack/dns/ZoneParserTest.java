package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ZoneParserTest {
    private static List<ResourceRecord> rrset(Zone zone, String name, DnsRecordType type) {
        return zone.node(name).get(type);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Nested
    class GoodFile {
        @Test
        void apexSoaAndSerialFromParenthesesSpanningLines() throws Exception {
            Zone zone = Zones.example();
            assertThat(zone.apex()).isEqualTo("example.test.");
            assertThat(zone.serial()).isEqualTo(2026112501L);
            assertThat(zone.soa().text())
                    .isEqualTo("ns1.example.test. hostmaster.example.test. 2026112501 3600 900 604800 60");
        }

        @Test
        void ttlFromRecordOrDollarTtlInEitherOrderWithClass() throws Exception {
            Zone zone = Zones.example();
            assertThat(rrset(zone, "ns1.example.test.", DnsRecordType.A).getFirst().ttl()).isEqualTo(300);
            assertThat(rrset(zone, "ns2.example.test.", DnsRecordType.A).getFirst().ttl()).isEqualTo(600);
            assertThat(rrset(zone, "www.example.test.", DnsRecordType.A).getFirst().ttl()).isEqualTo(120);
        }

        @Test
        void omittedOwnerRepeatsThePreviousOne() throws Exception {
            assertThat(rrset(Zones.example(), "example.test.", DnsRecordType.NS)).extracting(ResourceRecord::text)
                    .containsExactly("ns1.example.test.", "ns2.example.test.");
        }

        @Test
        void namesAreLowerCasedAndRelativeToTheCurrentOrigin() throws Exception {
            Zone zone = Zones.example();
            assertThat(rrset(zone, "www2.example.test.", DnsRecordType.A)).hasSize(1);
            assertThat(rrset(zone, "host.sub.example.test.", DnsRecordType.A)).hasSize(1);
        }

        @Test
        void addressRecords() throws Exception {
            Zone zone = Zones.example();
            assertThat(hex(rrset(zone, "www.example.test.", DnsRecordType.A).getFirst().rdata())).isEqualTo("c0a80150");
            ResourceRecord v6 = rrset(zone, "v6.example.test.", DnsRecordType.AAAA).getFirst();
            assertThat(hex(v6.rdata())).isEqualTo("20010db8000000000000000000000001");
        }

        @Test
        void nameRecordsInWireForm() throws Exception {
            Zone zone = Zones.example();
            ResourceRecord cname = rrset(zone, "alias.example.test.", DnsRecordType.CNAME).getFirst();
            assertThat(cname.target()).isEqualTo("www.example.test.");
            assertThat(cname.rdata()).isEqualTo("\003www\007example\004test\000".getBytes(StandardCharsets.US_ASCII));
            assertThat(rrset(zone, "ptr.example.test.", DnsRecordType.PTR).getFirst().text())
                    .isEqualTo("www.example.test.");
            ResourceRecord mx = rrset(zone, "mail.example.test.", DnsRecordType.MX).getFirst();
            assertThat(hex(mx.rdata())).isEqualTo("000a036d7831076578616d706c65047465737400");
            assertThat(mx.text()).isEqualTo("10 mx1.example.test.");
        }

        @Test
        void srvRecord() throws Exception {
            ResourceRecord srv = rrset(Zones.example(), "_sip._tcp.example.test.", DnsRecordType.SRV).getFirst();
            assertThat(hex(srv.rdata())).startsWith("000a003c13c4");
            assertThat(srv.text()).isEqualTo("10 60 5060 sip.example.test.");
        }

        @Test
        void txtWithSeveralStringsQuotesEscapesAndSemicolons() throws Exception {
            ResourceRecord txt = rrset(Zones.example(), "txt.example.test.", DnsRecordType.TXT).getFirst();
            String first = "v=spf1 -all";
            String second = "with \"quotes\" and ; semicolon";
            String expected = (char) first.length() + first + (char) second.length() + second + (char) 4 + "bare";
            assertThat(new String(txt.rdata(), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }

        @Test
        void emptyNonTerminalsExist() throws Exception {
            Zone zone = Zones.example();
            assertThat(zone.exists("b.deep.example.test.")).isTrue();
            assertThat(zone.exists("deep.example.test.")).isTrue();
            assertThat(zone.exists("nothing.example.test.")).isFalse();
        }

        @Test
        void originDefaultsToTheFileNameAndTtlUnitsAreBindStyle() throws Exception {
            Zone zone = ZoneParser.parse("other.test.zone", "@ 1h30m SOA ns hm 7 1d 2h 3w 45s\nwww 1W A 10.0.0.1\n",
                    "other.test");
            assertThat(zone.apex()).isEqualTo("other.test.");
            assertThat(zone.soa().ttl()).isEqualTo(5400);
            assertThat(zone.soa().text()).endsWith("7 86400 7200 1814400 45");
            assertThat(rrset(zone, "www.other.test.", DnsRecordType.A).getFirst().ttl()).isEqualTo(604800);
        }

        @Test
        void withoutDollarTtlTheLastExplicitTtlApplies() throws Exception {
            Zone zone = ZoneParser.parse("t.zone", "@ 100 SOA ns hm 1 1 1 1 1\nwww A 10.0.0.1\n", "t");
            assertThat(rrset(zone, "www.t.", DnsRecordType.A).getFirst().ttl()).isEqualTo(100);
        }

        @Test
        void duplicateRecordsFormOneSet() throws Exception {
            Zone zone = ZoneParser.parse("t.zone", "$TTL 1\n@ SOA ns hm 1 1 1 1 1\nwww A 10.0.0.1\nwww A 10.0.0.1\n",
                    "t");
            assertThat(rrset(zone, "www.t.", DnsRecordType.A)).hasSize(1);
        }
    }

    @Nested
    class BadFile {
        private static final String HEAD = "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n";

        private void rejected(String body, int line, String message) {
            assertThatThrownBy(() -> ZoneParser.parse("bad.zone", HEAD + body, "bad.test"))
                    .isInstanceOf(ZoneFileException.class)
                    .hasMessageStartingWith("bad.zone:" + line + ": ")
                    .hasMessageContaining(message)
                    .satisfies(e -> assertThat(((ZoneFileException) e).line()).isEqualTo(line));
        }

        @Test
        void unknownType() {
            rejected("www A 10.0.0.1\nwww HINFO cpu os\n", 4, "unknown or unsupported type 'HINFO'");
        }

        @Test
        void badTtl() {
            rejected("www 12x A 10.0.0.1\n", 3, "bad TTL '12x'");
            rejected("www 99999999999 A 10.0.0.1\n", 3, "bad TTL");
            rejected("$TTL forever\n", 3, "bad TTL 'forever'");
        }

        @Test
        void badAddresses() {
            rejected("www A 10.0.0.256\n", 3, "bad IPv4 address '10.0.0.256'");
            rejected("www A 10.1\n", 3, "bad IPv4 address");
            rejected("www A 010.0.0.1\n", 3, "bad IPv4 address");
            rejected("www AAAA 2001:db8::g\n", 3, "bad IPv6 address");
            rejected("www AAAA 10.0.0.1\n", 3, "bad IPv6 address");
        }

        @Test
        void unbalancedParentheses() {
            rejected("\n\nwww TXT ( \"a\"\n\"b\"\n", 5, "'(' is never closed");
            rejected("www A 10.0.0.1 )\n", 3, "')' without '('");
            rejected("www TXT ( ( \"a\" ) )\n", 3, "nested '('");
        }

        @Test
        void missingSoa() {
            assertThatThrownBy(() -> ZoneParser.parse("nosoa.zone", "$TTL 60\n\nwww A 10.0.0.1\nwww A 10.0.0.1\n",
                    "nosoa.test")).hasMessage("nosoa.zone:3: missing SOA record: a zone starts with the SOA of its apex");
        }

        @Test
        void secondSoa() {
            rejected("@ SOA ns hm 2 1 1 1 1\n", 3, "second SOA record (the first is at line 2)");
        }

        @Test
        void cnameAndOtherData() {
            rejected("www A 10.0.0.1\nwww CNAME other\n", 4, "has a CNAME and other data (see line 3)");
            rejected("www CNAME other\nwww CNAME other2\n", 4, "has a CNAME and other data");
        }

        @Test
        void recordOutsideTheZone() {
            rejected("www.elsewhere.test. A 10.0.0.1\n", 3, "outside the zone bad.test.");
        }

        @Test
        void otherClassesAndDirectives() {
            rejected("www CH A 10.0.0.1\n", 3, "class CH not supported");
            rejected("$INCLUDE other.zone\n", 3, "$INCLUDE is not supported");
            rejected("$ORIGIN relative\n", 3, "$ORIGIN must be an absolute name");
        }

        @Test
        void badFields() {
            rejected("www A\n", 3, "expected an IPv4 address (1 field), got 0");
            rejected("mail MX 70000 mx\n", 3, "bad preference '70000'");
            rejected("srv SRV 1 2 3\n", 3, "expected priority, weight, port and target");
            rejected("txt TXT \"" + "x".repeat(256) + "\"\n", 3, "TXT string longer than 255 bytes");
            rejected("txt TXT \"open\n", 3, "unterminated quoted string");
        }

        @Test
        void badNames() {
            rejected("bad..name A 10.0.0.1\n", 3, "empty label");
            rejected("* A 10.0.0.1\n", 3, "wildcard names are not supported");
            rejected("x".repeat(64) + " A 10.0.0.1\n", 3, "label longer than 63");
            rejected("caf\u00e9 A 10.0.0.1\n", 3, "not allowed");
        }

        @Test
        void noTtlAnywhere() {
            assertThatThrownBy(() -> ZoneParser.parse("t.zone", "@ SOA ns hm 1 1 1 1 1\n", "t"))
                    .hasMessage("t.zone:1: no TTL: give the record one or set $TTL");
        }

        @Test
        void ownerOmittedOnTheFirstRecord() {
            assertThatThrownBy(() -> ZoneParser.parse("t.zone", "$TTL 1\n  A 10.0.0.1\n", "t"))
                    .hasMessage("t.zone:2: record without owner name and no previous owner");
        }
    }
}
