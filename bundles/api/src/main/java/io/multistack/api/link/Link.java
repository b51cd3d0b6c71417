package io.multistack.api.link;

import io.netty.buffer.ByteBuf;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A point-to-point carrier of whole Ethernet frames. Registered as a service with the
 * property {@value #NAME} so that consumers can pick a link by name.
 */
@ProviderType
public interface Link {
    /** Service property naming the link, e.g. {@code memory}. */
    String NAME = "link.name";

    String name();

    /** Largest Ethernet payload the link carries (without the 14-byte header or a VLAN tag). */
    int mtu();

    /** Sends one frame; the link takes ownership of the buffer (also when it drops it). */
    void transmit(ByteBuf frame);

    /** Installs the receiver of frames arriving on this link; {@code null} drops them. */
    void receiver(FrameReceiver receiver);
}
