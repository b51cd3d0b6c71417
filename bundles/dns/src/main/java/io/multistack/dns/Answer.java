package io.multistack.dns;

import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.List;

/**
 * What the zones say about one question, before it is fitted into a message: the response
 * code, whether we are authoritative, and the answer and authority sections as whole RRsets
 * (truncation cuts between RRsets, never inside one).
 */
record Answer(DnsResponseCode code, boolean authoritative, List<List<ResourceRecord>> answer,
        List<List<ResourceRecord>> authority) {

    static Answer refused() {
        return new Answer(DnsResponseCode.REFUSED, false, List.of(), List.of());
    }

    static Answer of(DnsResponseCode code) {
        return new Answer(code, false, List.of(), List.of());
    }
}
