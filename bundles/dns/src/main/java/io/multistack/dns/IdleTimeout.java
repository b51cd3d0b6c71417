package io.multistack.dns;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a TCP connection that sends nothing for {@code timeout}: a DNS server should not let
 * idle clients hold connections (RFC 7766 6.2.3 suggests seconds). Each read restarts the
 * timer. One instance per connection.
 */
final class IdleTimeout extends ChannelInboundHandlerAdapter {
    private final long timeoutMillis;
    private ScheduledFuture<?> expiry;

    IdleTimeout(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        restart(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        restart(ctx);
        ctx.fireChannelRead(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void restart(ChannelHandlerContext ctx) {
        cancel();
        expiry = ctx.executor().schedule(() -> {
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
    }
}
