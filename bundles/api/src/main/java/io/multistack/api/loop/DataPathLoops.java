package io.multistack.api.loop;

import io.netty.channel.EventLoop;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The appliance's data-path event loops, one thread each. The VXLAN endpoint reads and
 * writes on every one of them and each tenant stack lives on one, so a frame that arrives on
 * its tenant's loop is handled and answered there, without a hand-off to another thread.
 * The loops use the native epoll transport when it is present, NIO otherwise; tenant
 * channels, which have no file descriptor, run on either.
 */
@ProviderType
public interface DataPathLoops {
    /** The loops in a fixed order; at least one. */
    List<EventLoop> loops();

    /** The loop for a new tenant stack: round-robin over {@link #loops()}. */
    EventLoop next();

    /** Whether the loops run Netty's native epoll transport (else NIO). */
    boolean nativeEpoll();
}
