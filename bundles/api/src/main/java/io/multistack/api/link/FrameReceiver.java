package io.multistack.api.link;

import io.netty.buffer.ByteBuf;
import org.osgi.annotation.versioning.ConsumerType;

/** The receiving side of a link: gets each frame once and owns (must release) the buffer. */
@ConsumerType
@FunctionalInterface
public interface FrameReceiver {
    void receive(ByteBuf frame);
}
