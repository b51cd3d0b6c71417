package io.multistack.bench;

import io.multistack.api.flow.Device;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.link.Link;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Where frames leave a benchmarked component: a device under a stack, a trunk under the
 * access server or a stack above the demux. It counts and releases every frame, or keeps
 * them while {@link #keep} is on (set-up steps that read replies). Single-threaded.
 */
public final class Sink implements FrameReceiver, Device, Link {
    private final ArrayDeque<ByteBuf> kept = new ArrayDeque<>();
    private boolean keep;
    private long frames;
    private long bytes;

    /** Keeps frames for {@link #take} instead of releasing them. */
    public void keep(boolean value) {
        keep = value;
    }

    /** The oldest kept frame (the caller releases it), or null. */
    public ByteBuf take() {
        return kept.pollFirst();
    }

    public long frames() {
        return frames;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void receive(ByteBuf frame) {
        frames++;
        bytes += frame.readableBytes();
        if (keep) {
            kept.addLast(frame);
        } else {
            frame.release();
        }
    }

    @Override
    public void transmit(ByteBuf frame) {
        receive(frame);
    }

    /** As the access server's underlay (the UDP socket): takes the packet, reports it sent. */
    public boolean send(ByteBuf packet, InetSocketAddress to) {
        receive(packet);
        return true;
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String link() {
        return "bench";
    }

    @Override
    public int vlan() {
        return Net.VLAN;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public void claim(String owner, FrameReceiver receiver) {}

    @Override
    public void release(String owner) {}

    @Override
    public String owner() {
        return null;
    }

    /** Releases kept frames. */
    @Override
    public void close() {
        ByteBuf frame;
        while ((frame = kept.pollFirst()) != null) {
            frame.release();
        }
    }
}
