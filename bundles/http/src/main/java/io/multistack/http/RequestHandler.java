package io.multistack.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.function.IntSupplier;

/**
 * Serves one connection's requests, in order: GET and HEAD of static files with ranges and
 * conditional requests; everything else gets its status. Responses are written in request
 * order (the chunked writer behind keeps that order). While a file body is being streamed,
 * later pipelined requests wait here unanswered, so a connection holds at most one open file;
 * when {@value #MAX_QUEUED} responses or requests wait, reading stops until they drain, so a
 * pipelining client cannot make the server queue without bound. Runs on the tenant's event
 * loop only.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {
    static final int MAX_QUEUED = 16;
    /** Files up to this size are read at once; larger ones are streamed in chunks of it. */
    static final int CHUNK = 64 * 1024;
    private static final String ALLOW = "GET, HEAD";
    private static final String ALLOW_WITH_PUT = "GET, HEAD, PUT";

    private final Site site;
    private final RequestDeadline deadline;
    private final IntSupplier undecodedBytes;
    private final ArrayDeque<HttpRequest> waiting = new ArrayDeque<>();
    private HttpRequest current;
    private long bodyBytes;
    private int queued;
    private boolean streaming;
    private boolean closing;
    private boolean refused;

    /** {@code undecodedBytes}: what the decoder holds of requests not yet complete. */
    RequestHandler(Site site, RequestDeadline deadline, IntSupplier undecodedBytes) {
        this.site = site;
        this.deadline = deadline;
        this.undecodedBytes = undecodedBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!closing) {
                read(ctx, msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            DecoderResult result = request.decoderResult();
            if (result.isFailure()) {
                refuse(ctx, request, statusOf(result.cause()));
                return;
            }
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !request.headers().contains(HttpHeaderNames.HOST)) {
                refuse(ctx, request, HttpResponseStatus.BAD_REQUEST);
                return;
            }
            if (HttpUtil.getContentLength(request, 0L) > site.settings().maxBodyBytes()) {
                refuse(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            current = request;
            bodyBytes = 0;
        }
        if (msg instanceof HttpContent content && current != null) {
            if (content.decoderResult().isFailure()) {
                refuse(ctx, current, HttpResponseStatus.BAD_REQUEST);
                return;
            }
            bodyBytes += content.content().readableBytes();
            if (bodyBytes > site.settings().maxBodyBytes()) {
                refuse(ctx, current, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            if (content instanceof LastHttpContent) {
                HttpRequest request = current;
                current = null;
                deadline.requestReceived();
                if (streaming) {
                    waiting.add(request);
                    pauseIfBacklogged(ctx);
                } else {
                    respond(ctx, request);
                }
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == RequestDeadline.Expired.INSTANCE) {
            if (queued == 0 && !closing) {
                refuse(ctx, null, HttpResponseStatus.REQUEST_TIMEOUT);
            } else {
                ctx.close();
            }
        } else if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        resumeIfDrained(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets and aborted transfers end here: nothing to answer, just let go of the connection
        ctx.close();
    }

    // --- responses ---------------------------------------------------------------------

    private void respond(ChannelHandlerContext ctx, HttpRequest request) {
        if (request instanceof AnsweredRequest answered) { // carried out in front (an upload): only the answer is left
            refused |= answered.refusal();
            send(ctx, request, answered.response(), null, !answered.refusal() && HttpUtil.isKeepAlive(request));
            return;
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse response = message(request.protocolVersion(), HttpResponseStatus.METHOD_NOT_ALLOWED);
            response.headers().set(HttpHeaderNames.ALLOW, site.settings().upload() ? ALLOW_WITH_PUT : ALLOW);
            send(ctx, request, response, null, HttpUtil.isKeepAlive(request));
            return;
        }
        switch (site.root().resolve(request.uri())) {
            case StaticRoot.File file -> file(ctx, request, file);
            case StaticRoot.Directory directory -> directory(ctx, request, directory);
            case StaticRoot.Redirect redirect -> {
                FullHttpResponse response = message(request.protocolVersion(), HttpResponseStatus.MOVED_PERMANENTLY);
                response.headers().set(HttpHeaderNames.LOCATION, redirect.location());
                send(ctx, request, response, null, HttpUtil.isKeepAlive(request));
            }
            case StaticRoot.Refused refused -> {
                HttpResponseStatus status = HttpResponseStatus.valueOf(refused.status());
                // a target that tries to climb out is not worth another request on this connection
                boolean keepAlive = refused.status() != 400 && HttpUtil.isKeepAlive(request);
                send(ctx, request, message(request.protocolVersion(), status), null, keepAlive);
            }
        }
    }

    private void file(ChannelHandlerContext ctx, HttpRequest request, StaticRoot.File file) {
        HttpHeaders asked = request.headers();
        Validators validators = Validators.of(file.attributes());
        long length = file.attributes().size();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (validators.notModified(asked.get(HttpHeaderNames.IF_NONE_MATCH), asked.get(HttpHeaderNames.IF_MODIFIED_SINCE))) {
            HttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_MODIFIED);
            withValidators(response, validators);
            send(ctx, request, response, null, keepAlive);
            return;
        }
        ByteRange.Request range = validators.rangeStillValid(asked.get(HttpHeaderNames.IF_RANGE))
                ? ByteRange.parse(asked.get(HttpHeaderNames.RANGE), length) : new ByteRange.Whole();
        HttpResponse response;
        long first = 0;
        long count = length;
        switch (range) {
            case ByteRange.Unsatisfiable unsatisfiable -> {
                FullHttpResponse refused = message(request.protocolVersion(),
                        HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
                refused.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
                send(ctx, request, refused, null, keepAlive);
                return;
            }
            case ByteRange.Part part -> {
                response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.PARTIAL_CONTENT);
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, part.range().contentRange(length));
                first = part.range().first();
                count = part.range().length();
            }
            case ByteRange.Whole whole -> response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, MimeTypes.of(file.path().getFileName().toString()))
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        withValidators(response, validators);
        HttpUtil.setContentLength(response, count);
        if (request.method().equals(HttpMethod.HEAD)) {
            send(ctx, request, asFull(response, Unpooled.EMPTY_BUFFER), null, keepAlive);
            return;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ);
            if (count <= CHUNK) {
                ByteBuf body = ctx.alloc().ioBuffer((int) count);
                try {
                    while (body.isWritable() && body.writeBytes(channel, first + body.writerIndex(), body.writableBytes()) > 0) {
                        // read until full or the file shrank under us
                    }
                } catch (IOException | RuntimeException e) {
                    body.release();
                    throw e;
                }
                channel.close();
                send(ctx, request, asFull(response, body), null, keepAlive);
            } else {
                send(ctx, request, response, new HttpChunkedInput(new ChunkedNioFile(channel, first, count, CHUNK)),
                        keepAlive);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            HttpResponseStatus status = e instanceof java.nio.file.AccessDeniedException ? HttpResponseStatus.FORBIDDEN
                    : HttpResponseStatus.NOT_FOUND;
            send(ctx, request, message(request.protocolVersion(), status), null, keepAlive);
        }
    }

    private void directory(ChannelHandlerContext ctx, HttpRequest request, StaticRoot.Directory directory) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!site.settings().listing()) {
            send(ctx, request, message(request.protocolVersion(), HttpResponseStatus.FORBIDDEN), null, keepAlive);
            return;
        }
        String page;
        try {
            page = DirectoryListing.html(directory.path(), directory.urlPath());
        } catch (IOException e) {
            send(ctx, request, message(request.protocolVersion(), HttpResponseStatus.NOT_FOUND), null, keepAlive);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.copiedBuffer(page, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        send(ctx, request, response, null, keepAlive);
    }

    /** Answers a request that ends the connection: errors of the request itself and timeouts. */
    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status) {
        closing = true;
        refused = true;
        current = null;
        // a request the codec could not decode has a placeholder method and target: not worth logging
        HttpRequest valid = request == null || request.decoderResult().isFailure() ? null : request;
        send(ctx, valid, message(valid == null ? HttpVersion.HTTP_1_1 : valid.protocolVersion(), status), null, false);
    }

    /**
     * Writes a response (and the body, if streamed), logs it, and closes the connection
     * afterwards unless it is kept alive.
     */
    private void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponse response, HttpChunkedInput body,
            boolean keepAlive) {
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.SERVER, Site.SERVER).set(HttpHeaderNames.DATE, site.timestamps().httpDate());
        if (response instanceof FullHttpResponse full && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                && response.status().code() != 304 && response.status().code() != 204) {
            HttpUtil.setContentLength(response, full.content().readableBytes());
        }
        boolean close = !keepAlive || closing;
        closing = close; // what the client sends after this response is not read any more
        HttpUtil.setKeepAlive(response, !close);
        long bytes = request != null && request.method().equals(HttpMethod.HEAD) ? 0
                : HttpUtil.getContentLength(response, 0L);
        int status = response.status().code();
        queued++;
        streaming |= body != null;
        ChannelFuture done;
        if (body == null) {
            done = ctx.writeAndFlush(response);
        } else {
            ctx.write(response);
            done = ctx.writeAndFlush(body);
        }
        String requestLine = request == null ? "-"
                : request.method() + " " + request.uri() + " " + request.protocolVersion();
        String referer = request == null ? null : request.headers().get(HttpHeaderNames.REFERER);
        String agent = request == null ? null : request.headers().get(HttpHeaderNames.USER_AGENT);
        done.addListener((ChannelFutureListener) future -> {
            queued--;
            if (body != null) {
                streaming = false;
            }
            site.accessLog().log(ctx.channel().remoteAddress(), site.timestamps().logTime(), requestLine, status,
                    future.isSuccess() ? bytes : 0, referer, agent);
            if (close && (refused || undecodedBytes.getAsInt() > 0)) {
                LingeringClose.close(ctx.channel()); // the client may still be sending
            } else if (close) {
                ctx.close(); // the request was read completely: a plain close sends FIN after the response
            } else {
                answerWaiting(ctx);
                resumeIfDrained(ctx);
            }
        });
        pauseIfBacklogged(ctx);
    }

    private void answerWaiting(ChannelHandlerContext ctx) {
        while (!streaming && !closing && !waiting.isEmpty()) {
            respond(ctx, waiting.poll());
        }
    }

    private void pauseIfBacklogged(ChannelHandlerContext ctx) {
        if (queued + waiting.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void resumeIfDrained(ChannelHandlerContext ctx) {
        if (!closing && queued + waiting.size() < MAX_QUEUED && ctx.channel().isWritable()
                && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static FullHttpResponse message(HttpVersion version, HttpResponseStatus status) {
        String text = status.code() + " " + status.reasonPhrase() + "\n";
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static FullHttpResponse asFull(HttpResponse head, ByteBuf body) {
        FullHttpResponse full = new DefaultFullHttpResponse(head.protocolVersion(), head.status(), body);
        full.headers().set(head.headers());
        return full;
    }

    private static void withValidators(HttpResponse response, Validators validators) {
        response.headers().set(HttpHeaderNames.ETAG, validators.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified());
    }

    static HttpResponseStatus statusOf(Throwable decoderFailure) {
        if (decoderFailure instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (decoderFailure instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was sent from it
            }
        }
    }
}
