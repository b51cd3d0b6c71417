package io.multistack.api.link;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The claim bookkeeping every {@link Link} needs, in one thread-safe place: who owns the
 * link and where its frames go. The data path reads {@link #receiver()} (one volatile read).
 */
public final class LinkOwnership {
    private record Holder(String owner, FrameReceiver receiver) {}

    private final String link;
    private final AtomicReference<Holder> holder = new AtomicReference<>();

    public LinkOwnership(String link) {
        this.link = link;
    }

    public void claim(String owner, FrameReceiver receiver) throws LinkInUseException {
        if (owner == null || receiver == null) {
            throw new IllegalArgumentException("owner and receiver are required");
        }
        Holder wanted = new Holder(owner, receiver);
        while (true) {
            Holder current = holder.get();
            if (current != null && !current.owner().equals(owner)) {
                throw new LinkInUseException(link, current.owner());
            }
            if (holder.compareAndSet(current, wanted)) {
                return;
            }
        }
    }

    public void release(String owner) {
        Holder current = holder.get();
        if (current != null && current.owner().equals(owner)) {
            holder.compareAndSet(current, null);
        }
    }

    public String owner() {
        Holder current = holder.get();
        return current == null ? null : current.owner();
    }

    /** Where frames go now, or {@code null} (drop them) when nobody owns the link. */
    public FrameReceiver receiver() {
        Holder current = holder.get();
        return current == null ? null : current.receiver();
    }
}
