package io.multistack.dns;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Domain names as this server keeps them: absolute, lower case, with the trailing dot
 * ({@code www.example.test.}), so that comparing names is comparing strings (DNS names are
 * case-insensitive, RFC 4343). Escapes ({@code \.}) are not supported.
 */
final class Names {
    static final String ROOT = ".";
    private static final int MAX_WIRE_LENGTH = 255;
    private static final int MAX_LABEL_LENGTH = 63;

    private Names() {}

    /** A name as it arrived in a query, in this server's form. */
    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    /** Whether {@code name} is {@code zone} or below it. */
    static boolean isAtOrBelow(String name, String zone) {
        return zone.equals(ROOT) || name.equals(zone) || name.endsWith("." + zone);
    }

    /** The name one label up ({@code a.b.} gives {@code b.}), or null for the root. */
    static String parent(String name) {
        if (name.equals(ROOT)) {
            return null;
        }
        int dot = name.indexOf('.');
        return dot == name.length() - 1 ? ROOT : name.substring(dot + 1);
    }

    /** Length of the uncompressed wire form (the codec writes names uncompressed). */
    static int wireLength(String name) {
        return name.equals(ROOT) ? 1 : name.length() + 1;
    }

    /**
     * Checks label and name lengths and characters.
     *
     * @return null when valid, else what is wrong
     */
    static String problem(String name) {
        if (name.equals(ROOT)) {
            return null;
        }
        if (wireLength(name) > MAX_WIRE_LENGTH) {
            return "name longer than 255 bytes";
        }
        for (String label : name.substring(0, name.length() - 1).split("\\.", -1)) {
            if (label.isEmpty()) {
                return "empty label";
            }
            if (label.length() > MAX_LABEL_LENGTH) {
                return "label longer than 63 characters";
            }
            if (label.equals("*")) {
                return "wildcard names are not supported";
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean allowed = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
                if (!allowed) {
                    return "character '" + c + "' not allowed in a name";
                }
            }
        }
        return null;
    }

    /** Appends the uncompressed wire form. */
    static void writeWire(String name, ByteArrayOutputStream out) {
        if (!name.equals(ROOT)) {
            for (String label : name.substring(0, name.length() - 1).split("\\.")) {
                out.write(label.length());
                out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        out.write(0);
    }
}
