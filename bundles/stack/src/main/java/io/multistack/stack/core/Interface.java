package io.multistack.stack.core;

import io.multistack.api.stack.TenantSettings;
import io.multistack.wire.Ipv4Address;

/**
 * The tenant's own interface as the protocol code sees it: MAC, address, prefix, gateway,
 * in the int/long forms of the data path. Immutable; replaced whole on reconfiguration.
 */
record Interface(long mac, int address, int mask, int gateway) {
    static final int NO_GATEWAY = 0;

    static Interface of(TenantSettings settings) {
        return new Interface(settings.mac().bits(), Ipv4Address.toInt(settings.address()),
                Ipv4Address.mask(settings.prefixLength()),
                settings.gateway().map(Ipv4Address::toInt).orElse(NO_GATEWAY));
    }

    boolean onLink(int ip) {
        return (ip & mask) == (address & mask);
    }

    /** /31 (RFC 3021) and /32 have no directed broadcast: every address is a host. */
    boolean hasDirectedBroadcast() {
        return mask != -1 && mask != -2;
    }

    int directedBroadcast() {
        return address | ~mask;
    }

    /** Next hop for a destination, or 0 when there is no route. */
    int nextHop(int destination) {
        if (onLink(destination) || destination == Ipv4Address.BROADCAST) {
            return destination;
        }
        return gateway;
    }

    /** Whether an IPv4 packet to this destination is ours to process. */
    boolean accepts(int destination) {
        return destination == address || destination == Ipv4Address.BROADCAST
                || (hasDirectedBroadcast() && destination == directedBroadcast());
    }
}
