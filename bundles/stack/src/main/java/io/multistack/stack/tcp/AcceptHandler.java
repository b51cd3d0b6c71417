package io.multistack.stack.tcp;

/** Receives connections of a listener once they are ESTABLISHED. */
@FunctionalInterface
public interface AcceptHandler {
    /** Set {@link TcpConnection#handler(ConnectionHandler)} here to receive the connection's events. */
    void accepted(TcpConnection connection);
}
