package io.multistack.dns;

import io.netty.handler.codec.dns.DnsRecordType;

/**
 * One record of a zone: owner name (normalized, see {@link Names}), type, TTL and RDATA in wire
 * form, with its presentation text for the shell. {@code target} is the canonical name of a
 * CNAME (null for other types), which the answer logic follows.
 */
record ResourceRecord(String name, DnsRecordType type, long ttl, byte[] rdata, String text, String target) {
    static final int IN = 1;
    /** Type, class, TTL and RDLENGTH after the owner name. */
    private static final int FIXED_FIELDS = 10;

    /** Bytes this record takes in a message (the codec writes names uncompressed). */
    int wireSize() {
        return Names.wireLength(name) + FIXED_FIELDS + rdata.length;
    }

    ResourceRecord withTtl(long newTtl) {
        return new ResourceRecord(name, type, newTtl, rdata, text, target);
    }

    /** Master-file form, as dig prints it. */
    String presentation() {
        return name + "\t" + ttl + "\tIN\t" + type.name() + "\t" + text;
    }

    boolean sameData(ResourceRecord other) {
        return type.equals(other.type) && java.util.Arrays.equals(rdata, other.rdata);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResourceRecord r && r.name.equals(name) && r.ttl == ttl && sameData(r);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(rdata);
    }

    @Override
    public String toString() {
        return presentation();
    }
}
