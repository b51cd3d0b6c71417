package io.multistack.api.link;

import io.netty.buffer.ByteBuf;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A point-to-point carrier of whole Ethernet frames. Registered as a service with the
 * property {@value #NAME} so that consumers can pick a link by name. A link has at most one
 * receiving owner at a time (the demux using it as a trunk, the access server, or one tenant
 * that uses it whole): {@link #claim} makes that explicit, so a link configured for two
 * jobs fails loudly instead of splitting its frames.
 */
@ProviderType
public interface Link {
    /** Service property naming the link, e.g. {@code memory}. */
    String NAME = "link.name";
    /** Service property of real links: {@code tap} or {@code packet}. */
    String TYPE = "link.type";

    String name();

    /** Largest Ethernet payload the link carries (without the 14-byte header or a VLAN tag). */
    int mtu();

    /** Sends one frame; the link takes ownership of the buffer (also when it drops it). */
    void transmit(ByteBuf frame);

    /**
     * Makes {@code receiver} the only receiver of this link's frames until {@code owner}
     * releases it. Claiming again by the same owner replaces the receiver.
     *
     * @param owner who uses the link, for messages, e.g. {@code tenant A} or {@code access server}
     * @throws LinkInUseException when another owner holds the link; that owner is untouched
     */
    void claim(String owner, FrameReceiver receiver) throws LinkInUseException;

    /** Gives the link up if {@code owner} holds it; frames are dropped until the next claim. */
    void release(String owner);

    /** The current owner, or {@code null} when the link is free. */
    String owner();

    /** A word for operators: {@code up}, or {@code down} with the reason. */
    default String state() {
        return "up";
    }
}
