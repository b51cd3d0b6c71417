package io.multistack.http;

import io.multistack.api.stack.TenantTransport;
import io.multistack.uploads.UploadWriter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One tenant's HTTP server on the tenant's own transport: the listening channel, the
 * connections (counted against {@code maxConnections}), and the pipeline of each.
 * Settings changes apply to connections accepted afterwards; a port change rebinds.
 */
final class HttpServer {
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nServer: " + Site.SERVER
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\nRetry-After: 1\r\n"
            + "Connection: close\r\n\r\n503 Service Unavailable\n").getBytes(StandardCharsets.US_ASCII);

    private final TenantTransport transport;
    private final ChannelGroup connections;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile Site site;
    private volatile Channel listener;

    HttpServer(TenantTransport transport, Site site) {
        this.transport = transport;
        this.site = site;
        this.connections = new DefaultChannelGroup(transport.eventLoop());
    }

    void start() throws InterruptedException {
        listener = bind(site.settings().port());
    }

    /**
     * New settings: connections accepted from now on get them. A new port is bound before the
     * old one is closed; when it cannot be bound nothing changes and the failure is thrown.
     */
    void apply(Site next) throws InterruptedException {
        if (next.settings().port() == site.settings().port()) {
            site = next;
            return;
        }
        Channel fresh = bind(next.settings().port());
        Channel old = listener;
        listener = fresh;
        site = next;
        old.close().syncUninterruptibly();
    }

    void stop() {
        Channel channel = listener;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    Site site() {
        return site;
    }

    int connections() {
        return connectionCount.get();
    }

    String status() {
        Channel channel = listener;
        String address = channel == null || channel.localAddress() == null ? "-"
                : channel.localAddress().toString().replaceFirst("^.*/", "");
        return "listening on " + address + ", " + connections() + " connections";
    }

    private Channel bind(int port) throws InterruptedException {
        return new ServerBootstrap().group(transport.eventLoop()).channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accept(channel);
                    }
                }).bind(port).sync().channel();
    }

    private void accept(Channel channel) {
        Site current = site;
        if (connectionCount.incrementAndGet() > current.settings().maxConnections()) {
            connectionCount.decrementAndGet();
            channel.pipeline().addLast(new Busy());
            return;
        }
        connections.add(channel);
        channel.closeFuture().addListener(closed -> connectionCount.decrementAndGet());
        pipeline(channel.pipeline(), current);
    }

    /**
     * The handlers of one connection, in order from the network. Decoder and encoder are
     * Netty's (as HttpServerCodec combines them); the decoder stands alone so that the
     * request deadline can ask what it holds. HEAD responses carry an empty body here, so
     * the encoder needs no knowledge of request methods.
     */
    static void pipeline(ChannelPipeline pipeline, Site site) {
        pipeline(pipeline, site, VIRTUAL_THREADS);
    }

    /** One serial executor per upload, for its file writes: a virtual thread, ended when the upload ends. */
    static final Supplier<ExecutorService> VIRTUAL_THREADS = () -> UploadWriter.virtualThread("http-upload");

    /** {@code disks}: one serial executor per upload, for the body's file writes. */
    static void pipeline(ChannelPipeline pipeline, Site site, Supplier<ExecutorService> disks) {
        HttpSettings settings = site.settings();
        RequestDecoder decoder = new RequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxRequestLineBytes())
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxChunkSize(RequestHandler.CHUNK));
        RequestDeadline deadline = new RequestDeadline(settings.headerTimeout(), decoder::bufferedBytes);
        pipeline.addLast("idle", new IdleStateHandler(true, 0, 0, settings.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        pipeline.addLast("deadline", deadline);
        pipeline.addLast("decoder", decoder);
        pipeline.addLast("encoder", new HttpResponseEncoder());
        pipeline.addLast("chunked", new ChunkedWriteHandler());
        pipeline.addLast("uploads", new UploadHandler(site, disks));
        pipeline.addLast("requests", new RequestHandler(site, deadline, decoder::bufferedBytes));
    }

    /** Answers a connection beyond the limit with 503 and closes it. */
    private static final class Busy extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(written -> LingeringClose.close(ctx.channel()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
