package io.multistack.stack.link;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later: delayed frames and held-back frames leave through it. */
@FunctionalInterface
interface Scheduler {
    /** Runs {@code task} after {@code delayNanos}; may throw RejectedExecutionException when shut down. */
    void schedule(Runnable task, long delayNanos);

    /** On an executor; a tenant's event loop keeps delayed frames on the thread that sent them. */
    static Scheduler on(ScheduledExecutorService executor) {
        return (task, delayNanos) -> executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The JDK's shared delayed executor, for taps created without one (tasks run on the common pool). */
    static Scheduler shared() {
        return (task, delayNanos) -> CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS)
                .execute(task);
    }
}
