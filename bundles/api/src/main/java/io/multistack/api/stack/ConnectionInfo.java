package io.multistack.api.stack;

/**
 * One TCP connection or listener of a tenant (a snapshot), as {@code net:conns} shows it:
 * state, endpoints, queues, and the sender's view of the path.
 */
public record ConnectionInfo(
        String state,
        String local,
        String remote,
        long receiveQueue,
        long sendQueue,
        long congestionWindow,
        long slowStartThreshold,
        long smoothedRttMicros,
        long rttVarianceMicros,
        long rtoMillis,
        long retransmissions,
        int mss,
        String details) {}
