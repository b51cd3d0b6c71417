package io.multistack.links;

/** Where a native link is in its life: opening, carrying frames, lost (retrying) or closed for good. */
public enum LinkState {
    STARTING, UP, DOWN, CLOSED;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
