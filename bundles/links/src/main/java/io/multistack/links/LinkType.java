package io.multistack.links;

import java.util.Locale;

/** The kinds of native link a configuration may ask for (key {@code type}). */
public enum LinkType {
    /** A TAP interface the appliance creates and owns (/dev/net/tun). */
    TAP,
    /** An AF_PACKET raw socket on an existing interface. */
    PACKET;

    public static LinkType parse(String text) {
        for (LinkType type : values()) {
            if (type.key().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("key 'type': '" + text + "' is neither 'tap' nor 'packet'");
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
