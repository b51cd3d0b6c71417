package io.multistack.stack.tcp;

import java.io.IOException;

/** The peer reset the connection (like "Connection reset by peer"). */
public final class TcpResetException extends IOException {
    private static final long serialVersionUID = 1L;

    public TcpResetException(String message) {
        super(message);
    }
}
