package io.multistack.shell;

import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A one-shot TCP client inside a tenant: connect, send, half-close, collect the answer. */
final class PushClient {
    /** Bound on the answer kept for printing. */
    static final int MAX_ANSWER = 64 * 1024;

    record Result(String local, int sent, String answer, boolean closedByPeer) {}

    private PushClient() {}

    static Result send(TenantTransport transport, InetSocketAddress target, String text, Duration timeout)
            throws Exception {
        StringBuilder answer = new StringBuilder();
        CompletableFuture<Void> peerClosed = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(transport.eventLoop()).channelFactory(transport.socketChannels())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        ByteBuf data = (ByteBuf) message;
                        synchronized (answer) {
                            if (answer.length() < MAX_ANSWER) {
                                answer.append(data.toString(StandardCharsets.UTF_8));
                            }
                        }
                        data.release();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                            peerClosed.complete(null);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        peerClosed.complete(null);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        peerClosed.completeExceptionally(cause);
                        ctx.close();
                    }
                }).connect(target).sync().channel();
        try {
            String local = channel.localAddress().toString().replaceFirst("^/", "");
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).sync();
            ((SocketChannel) channel).shutdownOutput().sync();
            boolean closedByPeer;
            try {
                peerClosed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                closedByPeer = true;
            } catch (TimeoutException stillOpen) {
                closedByPeer = false;
            }
            synchronized (answer) {
                return new Result(local, bytes.length, answer.toString(), closedByPeer);
            }
        } finally {
            channel.close().sync();
        }
    }
}
