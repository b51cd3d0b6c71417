package io.multistack.http;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How the server ends a connection after its last response when the client may still be
 * sending (as nginx's "lingering close"): send FIN, then keep reading and dropping what the
 * client still sends for a short while. Closing at once with unread request bytes would make
 * the stack abort the connection with a reset, and the client would lose the response (a
 * 413, 431 or 503) before it reads it. The connection closes when the client closes its
 * side, or after {@value #LINGER_SECONDS} s.
 */
final class LingeringClose {
    static final int LINGER_SECONDS = 2;

    private LingeringClose() {}

    /** Call on the channel's event loop once the last response is written. */
    static void close(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex) || duplex.isOutputShutdown() || !channel.isActive()) {
            channel.close();
            return;
        }
        duplex.shutdownOutput().addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
            }
        });
        channel.config().setAutoRead(true); // drain: the handlers drop what arrives now
        ScheduledFuture<?> limit = channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        channel.closeFuture().addListener(closed -> limit.cancel(false));
    }
}
