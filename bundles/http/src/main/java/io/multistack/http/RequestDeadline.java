package io.multistack.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The header timeout, the defence against slow-loris clients: from a connection's start, and
 * from the first byte of every later request, the whole request must arrive within the
 * timeout, however slowly its bytes trickle in. When it does not, {@link Expired} travels up
 * the pipeline and the request handler answers 408 and closes. Sits before the HTTP decoder,
 * so it sees the raw bytes; the request handler calls {@link #requestReceived}. Between
 * requests the idle timeout applies instead. A request whose first bytes came in the same
 * read as the end of the previous one is timed from the previous one's end (the decoder
 * tells whether it holds such bytes).
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    /** The user event fired when a request did not arrive in time. */
    enum Expired { INSTANCE }

    private final long timeoutNanos;
    private final IntSupplier bufferedBytes;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> timer;
    private boolean betweenRequests;

    /** {@code bufferedBytes}: how many received bytes the decoder holds that belong to no request yet. */
    RequestDeadline(Duration timeout, IntSupplier bufferedBytes) {
        this.timeoutNanos = timeout.toNanos();
        this.bufferedBytes = bufferedBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (betweenRequests) {
            betweenRequests = false;
            arm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The current request has arrived completely: the next one's deadline starts with its first byte. */
    void requestReceived() {
        cancel();
        betweenRequests = bufferedBytes.getAsInt() == 0;
        if (!betweenRequests) {
            arm();
        }
    }

    private void arm() {
        cancel();
        timer = context.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire() {
        timer = null;
        if (context.channel().isActive()) {
            context.fireUserEventTriggered(Expired.INSTANCE);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
