package io.multistack.api.stack;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a long. */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("more than 48 bits");
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'). */
    public static MacAddress parse(String text) {
        String[] parts = text.trim().split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex octets)");
        }
        long bits = 0;
        for (String part : parts) {
            if (part.length() != 2 || !HexFormat.isHexDigit(part.charAt(0)) || !HexFormat.isHexDigit(part.charAt(1))) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex octets)");
            }
            bits = bits << 8 | Integer.parseInt(part, 16);
        }
        return new MacAddress(bits);
    }

    /**
     * The default MAC of a tenant: locally administered unicast {@code 02:6d:73:00:VV:VV}
     * ("ms"), stable for a VLAN so that sites' neighbour tables survive restarts.
     */
    public static MacAddress forVlan(int vlan) {
        return new MacAddress(0x02_6D_73_00_00_00L | (vlan & 0xFFFF));
    }

    public boolean isMulticast() {
        return (bits >>> 40 & 1) == 1;
    }

    public boolean isBroadcast() {
        return bits == BROADCAST.bits;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                out.append(':');
            }
            out.append(HexFormat.of().toHexDigits((byte) (bits >>> shift)));
        }
        return out.toString();
    }
}
