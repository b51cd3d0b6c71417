package io.multistack.api.stack;

import io.multistack.api.flow.Device;
import io.multistack.api.link.FrameReceiver;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The protocol stack of one tenant. Registered as a service with the property
 * {@value #TENANT} so that a tenant's services can select exactly their own stack.
 * Frames given to {@link #receive} are handed off to the stack's own event loop.
 */
@ProviderType
public interface TenantStack extends FrameReceiver {
    /** Service property: the tenant's name. */
    String TENANT = "tenant";

    /** Service property: the tenant's VLAN on the trunk. */
    String VLAN = "vlan";

    String name();

    TenantSettings settings();

    /** Connects the stack to its logical device and announces it (gratuitous ARP). */
    void up(Device device);

    /** Applies new address, gateway or MAC live; announces the change (gratuitous ARP). */
    void reconfigure(TenantSettings settings);

    /** Sends one ICMP echo request; completes with the round-trip time, or exceptionally on timeout. */
    CompletionStage<Duration> ping(Inet4Address target, Duration timeout);

    List<ArpEntry> arpTable();

    /** The stack as a Netty transport, for the tenant's server processes and push clients. */
    TenantTransport transport();

    /**
     * Writes every frame in and out of this tenant's device to a pcap file (readable by
     * tcpdump and Wireshark) until the capture is closed or {@code duration} has passed.
     */
    Capture capture(java.nio.file.Path file, Duration duration) throws java.io.IOException;

    /** Injects faults on this tenant's link; {@link FaultSettings#NONE} turns them off. */
    void faults(FaultSettings settings);

    /** The faults in force on this tenant's link ({@link FaultSettings#NONE} when none). */
    FaultSettings faultSettings();

    /** Open TCP connections and listeners, like {@code ss -ti}. */
    List<ConnectionInfo> connections();

    StackStatistics statistics();

    /** Stops the stack; frames received afterwards are dropped. Idempotent. */
    void close();
}
