package io.multistack.api.flow;

import io.netty.buffer.ByteBuf;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The patent's logical device: one VLAN on a trunk (or a whole link), as seen by the tenant
 * stack bound to it. Frames are untagged on this side.
 */
@ProviderType
public interface Device extends AutoCloseable {
    /** The link this device sits on: a trunk, or the tenant's own whole link. */
    String link();

    /** VLAN ID on the trunk, or 0 for a whole untagged link. */
    int vlan();

    int mtu();

    /** Sends one untagged frame; takes ownership of the buffer. */
    void transmit(ByteBuf frame);

    /** Detaches the device from the lower mapping; the VLAN becomes free. Idempotent. */
    @Override
    void close();
}
