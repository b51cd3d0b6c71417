package io.multistack.api.stack;

/**
 * Faults injected on a tenant's link, both directions, for tests and drills ({@code tc netem}
 * is not available everywhere). Rates are probabilities per frame, 0..1; {@code delayMillis}
 * delays every frame (which also reorders against undelayed ones); {@code seed} makes a run
 * reproducible.
 */
public record FaultSettings(double drop, double duplicate, double reorder, double corrupt, long delayMillis,
        long seed) {
    public static final FaultSettings NONE = new FaultSettings(0, 0, 0, 0, 0, 1);

    public FaultSettings {
        check("drop", drop);
        check("duplicate", duplicate);
        check("reorder", reorder);
        check("corrupt", corrupt);
        if (delayMillis < 0 || delayMillis > 10_000) {
            throw new IllegalArgumentException("delay " + delayMillis + " ms is outside 0..10000");
        }
    }

    public boolean isNone() {
        return drop == 0 && duplicate == 0 && reorder == 0 && corrupt == 0 && delayMillis == 0;
    }

    private static void check(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " rate " + rate + " is outside 0..1");
        }
    }
}
