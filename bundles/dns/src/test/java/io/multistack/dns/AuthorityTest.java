package io.multistack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthorityTest {
    private Catalog catalog;

    @BeforeEach
    void zones() throws Exception {
        Zone longer = ZoneParser.parse("deeper.zone", "$TTL 30\n@ SOA ns hm 9 1 1 1 1\nwww A 10.9.9.9\n",
                "deeper.example.test");
        catalog = new Catalog(List.of(Zones.example(), longer));
    }

    private Answer ask(String name, DnsRecordType type) {
        return Authority.answer(catalog, name, type);
    }

    private static List<String> texts(List<List<ResourceRecord>> section) {
        return section.stream().flatMap(List::stream).map(r -> r.type().name() + " " + r.text()).toList();
    }

    @Test
    void dataOfTheAskedTypeIsAnAuthoritativeAnswer() {
        Answer answer = ask("www.example.test.", DnsRecordType.A);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(answer.authoritative()).isTrue();
        assertThat(texts(answer.answer())).containsExactly("A 192.168.1.80");
        assertThat(answer.authority()).isEmpty();
    }

    @Test
    void namesAreCaseInsensitiveAndTheTrailingDotOptional() {
        assertThat(texts(ask("WwW.ExAmPlE.TeSt", DnsRecordType.A).answer())).containsExactly("A 192.168.1.80");
    }

    @Test
    void unknownNameIsNxdomainWithTheSoaAtItsNegativeTtl() {
        Answer answer = ask("nothing.example.test.", DnsRecordType.A);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        assertThat(answer.authoritative()).isTrue();
        assertThat(answer.answer()).isEmpty();
        ResourceRecord soa = answer.authority().getFirst().getFirst();
        assertThat(soa.type()).isEqualTo(DnsRecordType.SOA);
        assertThat(soa.ttl()).as("min(SOA TTL 300, MINIMUM 60)").isEqualTo(60);
    }

    @Test
    void existingNameWithoutTheTypeIsNodataWithTheSoa() {
        Answer answer = ask("www.example.test.", DnsRecordType.AAAA);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(answer.answer()).isEmpty();
        assertThat(texts(answer.authority())).singleElement().asString().startsWith("SOA ns1.example.test.");
    }

    @Test
    void emptyNonTerminalIsNodataNotNxdomain() {
        assertThat(ask("b.deep.example.test.", DnsRecordType.A).code()).isEqualTo(DnsResponseCode.NOERROR);
    }

    @Test
    void cnameChainIsFollowedInsideTheZone() {
        Answer answer = ask("chain1.example.test.", DnsRecordType.A);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(texts(answer.answer())).containsExactly("CNAME chain2.example.test.", "CNAME alias.example.test.",
                "CNAME www.example.test.", "A 192.168.1.80");
    }

    @Test
    void cnameAskedForItselfIsNotFollowed() {
        assertThat(texts(ask("alias.example.test.", DnsRecordType.CNAME).answer()))
                .containsExactly("CNAME www.example.test.");
    }

    @Test
    void cnameToAMissingTypeEndsInNodataWithTheChain() {
        Answer answer = ask("alias.example.test.", DnsRecordType.MX);
        assertThat(texts(answer.answer())).containsExactly("CNAME www.example.test.");
        assertThat(answer.authority()).hasSize(1);
    }

    @Test
    void cnameLeavingTheZoneStopsThere() {
        Answer answer = ask("out.example.test.", DnsRecordType.A);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(texts(answer.answer())).containsExactly("CNAME www.elsewhere.test.");
        assertThat(answer.authority()).isEmpty();
    }

    @Test
    void cnameLoopIsBoundedAndServfails() {
        assertThat(ask("loop1.example.test.", DnsRecordType.A).code()).isEqualTo(DnsResponseCode.SERVFAIL);
    }

    @Test
    void namesOutsideEveryZoneAreRefused() {
        Answer answer = ask("www.elsewhere.test.", DnsRecordType.A);
        assertThat(answer.code()).isEqualTo(DnsResponseCode.REFUSED);
        assertThat(answer.authoritative()).isFalse();
        assertThat(ask("test.", DnsRecordType.SOA).code()).isEqualTo(DnsResponseCode.REFUSED);
    }

    @Test
    void theLongestMatchingZoneAnswers() {
        assertThat(texts(ask("www.deeper.example.test.", DnsRecordType.A).answer())).containsExactly("A 10.9.9.9");
        assertThat(ask("other.deeper.example.test.", DnsRecordType.A).authority().getFirst().getFirst().name())
                .isEqualTo("deeper.example.test.");
    }

    @Test
    void anyReturnsEveryRrsetAtTheName() {
        assertThat(texts(ask("example.test.", DnsRecordType.ANY).answer())).hasSize(3).first().asString()
                .startsWith("SOA");
    }
}
