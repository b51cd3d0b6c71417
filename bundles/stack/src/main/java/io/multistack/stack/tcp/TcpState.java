package io.multistack.stack.tcp;

/** Connection states of RFC 9293 3.3.2 (LISTEN lives in {@link TcpListener}). */
public enum TcpState {
    SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED;

    /** States after the handshake in which sequence numbers of both sides are known. */
    boolean synchronized_() {
        return this != SYN_SENT && this != CLOSED;
    }

    boolean canSendData() {
        return this == ESTABLISHED || this == CLOSE_WAIT;
    }

    boolean canReceiveData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }
}
