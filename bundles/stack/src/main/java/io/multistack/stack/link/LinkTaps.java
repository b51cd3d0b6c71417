package io.multistack.stack.link;

import io.multistack.api.flow.Device;
import io.multistack.api.link.FrameReceiver;
import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What sits between a tenant stack and its device: packet capture and fault injection,
 * both directions. Called on the tenant's loop for egress; ingress arrives on the link's
 * thread before the hand-off to the loop.
 */
public final class LinkTaps {
    /** Wraps the device the stack sends on. */
    public Device wrap(Device device) {
        return device;
    }

    /** Passes a received frame towards the stack. */
    public void ingress(ByteBuf frame, FrameReceiver next) {
        next.receive(frame);
    }

    public Capture capture(Path file, Duration duration) throws IOException {
        throw new IOException("capture is not implemented yet");
    }

    public void faults(FaultSettings settings) {
        if (!settings.isNone()) {
            throw new UnsupportedOperationException("fault injection is not implemented yet");
        }
    }
}
