package io.multistack.ftp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The inbound end of one data connection. Bytes that arrive before a transfer wants them
 * (a client may start an upload the moment the passive connection is accepted) are held,
 * and reading stops until {@link #receive} is called: nothing is lost, nothing piles up.
 * Once receiving, reading is paced by the receiver: it writes each buffer before the next
 * read, so a slow disk slows the sender through TCP's window.
 */
final class DataConnection extends ChannelInboundHandlerAdapter {
    /** Where received bytes go. */
    interface Receiver {
        void data(ByteBuf bytes) throws Exception;

        /** The client closed the connection: the upload is complete. */
        void end();

        void failed(Throwable cause);
    }

    private final Queue<ByteBuf> early = new ArrayDeque<>();
    private ChannelHandlerContext context;
    private Receiver receiver;
    private boolean ended;
    private Throwable failure;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** Starts delivering bytes (those held first) to the receiver; call on the channel's loop. */
    void receive(Receiver next) {
        receiver = next;
        while (!early.isEmpty()) {
            ByteBuf bytes = early.poll();
            if (!deliver(bytes)) {
                return;
            }
        }
        if (failure != null) {
            next.failed(failure);
        } else if (ended) {
            next.end();
        } else {
            context.channel().config().setAutoRead(true);
            context.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (receiver == null) {
            early.add(bytes);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        deliver(bytes);
    }

    private boolean deliver(ByteBuf bytes) {
        try {
            receiver.data(bytes);
            return true;
        } catch (Exception failed) {
            receiver.failed(failed);
            context.close();
            return false;
        } finally {
            bytes.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (receiver == null) {
            ended = true;
        } else {
            receiver.end();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (receiver == null) {
            failure = cause;
        } else {
            receiver.failed(cause);
        }
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        early.forEach(ByteBuf::release);
        early.clear();
    }
}
