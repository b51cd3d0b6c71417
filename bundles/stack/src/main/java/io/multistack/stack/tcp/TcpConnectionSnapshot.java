package io.multistack.stack.tcp;

/** What {@code net:conns} prints for one connection (like {@code ss -ti}); times in nanoseconds, -1 unknown. */
public record TcpConnectionSnapshot(
        TcpState state,
        int localIp,
        int localPort,
        int remoteIp,
        int remotePort,
        int sendQueueBytes,
        int receiveQueueBytes,
        int cwnd,
        int ssthresh,
        long srttNanos,
        long rttvarNanos,
        long rtoNanos,
        long retransmissions,
        int mss,
        int sendWindowScale,
        int receiveWindowScale,
        boolean sack,
        boolean timestamps,
        String congestionControl) {}
