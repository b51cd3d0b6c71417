package io.multistack.stack.core;

/** Monotonic time for protocol code; tests drive it by hand. */
@FunctionalInterface
public interface Clock {
    long nanoTime();

    static Clock system() {
        return System::nanoTime;
    }
}
