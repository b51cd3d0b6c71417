package io.multistack.itest;

import java.time.Duration;

/** Waits for what the appliance does asynchronously (configuration is applied on other threads). */
public final class Eventually {
    private static final Duration POLL = Duration.ofMillis(50);

    /** Something a test asserts; may throw {@link AssertionError} (or anything else while not yet ready). */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    private Eventually() {}

    /** Passes as soon as {@code check} passes; fails with its last failure when {@code timeout} is over. */
    public static void within(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (Exception | AssertionError notYet) {
                if (System.nanoTime() - deadline >= 0) {
                    throw notYet;
                }
            }
            Thread.sleep(POLL);
        }
    }

    /**
     * Passes only if {@code check} holds during the whole {@code period}: how a test shows that
     * something does NOT happen within the time the contract allows for it to happen.
     */
    public static void throughout(Duration period, Check check) throws Exception {
        long end = System.nanoTime() + period.toNanos();
        do {
            check.run();
            Thread.sleep(POLL);
        } while (System.nanoTime() - end < 0);
        check.run();
    }
}
