package io.multistack.wire;

/**
 * Untrusted bytes that are not a valid header. Stackless: it is thrown for every bad frame
 * an attacker sends, and becomes a counted drop at the layer boundary, keyed by {@link #reason}.
 */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public MalformedPacketException(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** A short counter key such as {@code ipv4.bad-checksum}. */
    public String reason() {
        return reason;
    }
}
