package io.multistack.wire;

/**
 * RFC 1071 the slow, obvious way, on plain arrays: the oracle the optimised
 * {@link Checksum} is compared with, and the tool to repair headers that a test mutates
 * so that each input carries exactly one defect.
 */
final class ReferenceChecksum {
    private ReferenceChecksum() {}

    /** 16-bit big-endian words, an odd last byte padded with zero, end-around carry, complemented. */
    static int of(byte[] data, int offset, int length, int initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int high = data[offset + i] & 0xFF;
            int low = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }

    /** Recomputes the IPv4 header checksum (bytes 10-11) over {@code headerLength} bytes at {@code offset}. */
    static byte[] refreshIpv4(byte[] packet, int offset, int headerLength) {
        packet[offset + 10] = 0;
        packet[offset + 11] = 0;
        int checksum = of(packet, offset, headerLength, 0);
        packet[offset + 10] = (byte) (checksum >>> 8);
        packet[offset + 11] = (byte) checksum;
        return packet;
    }
}
