package io.multistack.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads, made the way the appliance makes its event-loop threads (Netty's
 * {@link DefaultThreadFactory}, hence {@code FastThreadLocalThread}s). It matters: Netty 4.2
 * recycles buffer objects and keeps per-thread buffer caches only on such threads, so on a
 * plain thread every pooled buffer would cost an allocation the appliance never makes.
 * Selected by {@code -Djmh.executor=CUSTOM -Djmh.executor.class=} this class (see {@link Defaults}).
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
