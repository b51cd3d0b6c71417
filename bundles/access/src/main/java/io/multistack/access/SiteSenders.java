package io.multistack.access;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One {@link SiteSender} per data-path loop, each writing to that loop's socket. A packet
 * leaves through the sender of the loop it is sent from, so a tenant's answer is queued and
 * written on the tenant's own thread, with no hand-off; a thread that is no loop (a link
 * reader) uses the first.
 */
final class SiteSenders implements TunnelSwitch.Underlay {
    private final EventExecutor[] loops;
    private final SiteSender[] senders;

    SiteSenders(List<? extends EventExecutor> loops, BurstWriter.Segmenter segmenter) {
        this.loops = loops.toArray(EventExecutor[]::new);
        this.senders = new SiteSender[this.loops.length];
        for (int i = 0; i < senders.length; i++) {
            senders[i] = new SiteSender(this.loops[i], segmenter);
        }
    }

    @Override
    public boolean send(ByteBuf packet, InetSocketAddress to) {
        return local().send(packet, to);
    }

    /** The sender of the calling thread's loop, or the first. */
    SiteSender local() {
        for (int i = 1; i < loops.length; i++) {
            if (loops[i].inEventLoop()) {
                return senders[i];
            }
        }
        return senders[0];
    }

    int size() {
        return senders.length;
    }

    SiteSender get(int index) {
        return senders[index];
    }

    long overflowDrops() {
        long sum = 0;
        for (SiteSender sender : senders) {
            sum += sender.overflowDrops();
        }
        return sum;
    }

    long unsentDrops() {
        long sum = 0;
        for (SiteSender sender : senders) {
            sum += sender.unsentDrops();
        }
        return sum;
    }
}
