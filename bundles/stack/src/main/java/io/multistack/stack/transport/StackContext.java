package io.multistack.stack.transport;

import io.multistack.stack.core.StackCore;

import io.netty.channel.EventLoop;

/** What a tenant's channels need of their stack. Every method except {@link #loop} on the loop only. */
public interface StackContext {
    /** The loop that owns the tenant's protocol state; channels register here and nowhere else. */
    EventLoop loop();

    long now();

    StackCore core();

    /** The tenant's TCP engine, through its binding to the IP layer. */
    TcpBinding tcp();

    /** Call after any work that may have changed protocol deadlines (timers are re-armed). */
    void afterWork();
}
