package io.multistack.api.loop;

import io.multistack.api.stack.MacAddress;
import io.netty.channel.EventLoop;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The appliance's data-path event loops, one thread each. The VXLAN endpoint reads and
 * writes on every one of them and each tenant stack lives on one. Both follow one rule,
 * {@link #loopIndex}: a tenant runs on the loop chosen by its MAC address, and the endpoint
 * has the kernel steer each packet to the socket of the loop chosen by the packet's inner
 * destination MAC; so a frame to a tenant is read, handled and answered on one thread.
 * The loops use the native epoll transport when it is present, NIO otherwise; tenant
 * channels, which have no file descriptor, run on either.
 */
@ProviderType
public interface DataPathLoops {
    /** The loops in a fixed order; at least one. */
    List<EventLoop> loops();

    /** The loop of a tenant stack whose frames are addressed to {@code mac}: {@link #loopIndex}. */
    default EventLoop loopFor(MacAddress mac) {
        return loops().get(loopIndex(mac.bits(), loops().size()));
    }

    /** Whether the loops run Netty's native epoll transport (else NIO). */
    boolean nativeEpoll();

    /**
     * The steering rule: the low 32 bits of the MAC address (its last four bytes, as a
     * big-endian unsigned number) modulo the number of loops. A socket filter can compute
     * it from a packet with one load and one modulo.
     */
    static int loopIndex(long mac, int loops) {
        return Integer.remainderUnsigned((int) mac, loops);
    }
}
