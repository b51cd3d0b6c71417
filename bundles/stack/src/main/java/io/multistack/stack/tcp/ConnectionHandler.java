package io.multistack.stack.tcp;

/** Events of one connection, called on the engine's thread. Default methods do nothing. */
public interface ConnectionHandler {
    /** The active open completed (ESTABLISHED). */
    default void connected() {}

    /** In-order data or the peer's FIN can be read. */
    default void readable() {}

    /** Send buffer space was freed after a write found it full. */
    default void writable() {}

    /**
     * The connection is finished: {@code null} after a normal close, otherwise the cause
     * ({@link java.net.ConnectException} when refused or the handshake timed out,
     * {@link TcpResetException} for a reset, {@link java.util.concurrent.TimeoutException}
     * for retransmission or keep-alive timeouts). Called once; nothing follows.
     */
    default void closed(Throwable causeOrNull) {}
}
