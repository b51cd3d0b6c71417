package io.multistack.stack.link;

import java.util.PriorityQueue;

/** Virtual time for the taps: tasks run only when the test advances the clock past them. */
final class ManualScheduler implements Scheduler {
    private record Task(long due, long order, Runnable work) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            (a, b) -> a.due() != b.due() ? Long.compare(a.due(), b.due()) : Long.compare(a.order(), b.order()));
    private long now;
    private long scheduled;

    @Override
    public void schedule(Runnable task, long delayNanos) {
        tasks.add(new Task(now + delayNanos, scheduled++, task));
    }

    /** Moves virtual time forward, running every task that falls due on the way, in order. */
    void advance(long nanos) {
        long until = now + nanos;
        while (!tasks.isEmpty() && tasks.peek().due() <= until) {
            Task task = tasks.poll();
            now = task.due();
            task.work().run();
        }
        now = until;
    }

    /** Runs everything still pending, however far ahead. */
    void runAll() {
        while (!tasks.isEmpty()) {
            advance(tasks.peek().due() - now);
        }
    }

    int pending() {
        return tasks.size();
    }
}
