package io.multistack.api.stack;

import org.osgi.annotation.versioning.ProviderType;

/** A running packet capture of one tenant's frames into a pcap file. */
@ProviderType
public interface Capture extends AutoCloseable {
    /** Frames written so far. */
    long frames();

    /** Stops the capture and closes the file. Idempotent. */
    @Override
    void close();
}
