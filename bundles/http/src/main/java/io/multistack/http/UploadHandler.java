package io.multistack.http;

import io.multistack.uploads.UploadWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * PUT into the tenant's www folder, as nginx's {@code dav_methods PUT}: off unless the
 * tenant's {@code upload} setting allows it (403), the body streamed to a temporary in the
 * target's folder and renamed over the target once complete (201 Created, 204 No Content
 * when it replaced a file), never held in memory. Sits in front of the {@link RequestHandler}:
 * other requests pass through untouched; an upload's outcome is passed on as an
 * {@link AnsweredRequest}, so that responses keep the requests' order and are logged as the
 * others. Refusals (403, 409, 413 above {@code uploadMaxBytes}, 400 for the paths a GET
 * refuses) end the connection; what the client still sends is dropped.
 *
 * <p>The header timeout covers the request head only: while a body is being received its
 * expiry is ignored here, and only the idle timeout applies (as nginx's
 * {@code client_body_timeout}). Outgoing responses are watched for two reasons: a
 * {@code 100 Continue} is sent only once every earlier request is answered (so it never
 * overtakes their responses), and after a response that ends the connection no upload starts.
 * Runs on the tenant's event loop only.
 */
final class UploadHandler extends ChannelDuplexHandler {
    private final Site site;
    private final Supplier<ExecutorService> disks;
    /** Messages that arrived behind a complete upload while its file is renamed. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private HttpRequest upload;
    private UploadWriter writer;
    private boolean created;
    private long received;
    private boolean discarding;
    private boolean finishing;
    private boolean continueOwed;
    private boolean closing;
    private long forwarded;
    private long answered;

    UploadHandler(Site site, Supplier<ExecutorService> disks) {
        this.site = site;
        this.disks = disks;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (finishing) {
            held.add(msg);
            ctx.channel().config().setAutoRead(false); // bounded: at most what one read brings
        } else if (msg instanceof HttpRequest request && isUpload(request)) {
            begin(ctx, request);
            if (msg instanceof HttpContent content) {
                body(ctx, content);
            }
        } else if (msg instanceof HttpContent content && (writer != null || discarding)) {
            body(ctx, content);
        } else {
            if (msg instanceof HttpRequest) {
                forwarded++;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** A PUT the request handler would not refuse for its form (decoded, with Host when HTTP/1.1). */
    private static boolean isUpload(HttpRequest request) {
        return request.method().equals(HttpMethod.PUT) && request.decoderResult().isSuccess()
                && (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                        || request.headers().contains(HttpHeaderNames.HOST));
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest request) {
        HttpSettings settings = site.settings();
        if (!settings.upload()) {
            refuse(ctx, request, HttpResponseStatus.FORBIDDEN);
            return;
        }
        long limit = settings.uploadMaxBytes();
        if (limit > 0 && HttpUtil.getContentLength(request, -1L) > limit) {
            refuse(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        switch (UploadTarget.resolve(site.root(), request.uri())) {
            case UploadTarget.Refused refused -> refuse(ctx, request, HttpResponseStatus.valueOf(refused.status()));
            case UploadTarget.Writable writable -> {
                AtomicFile file;
                try {
                    file = AtomicFile.create(writable.path());
                } catch (IOException e) {
                    refuse(ctx, request, e instanceof AccessDeniedException ? HttpResponseStatus.FORBIDDEN
                            : HttpResponseStatus.INTERNAL_SERVER_ERROR);
                    return;
                }
                upload = request;
                created = !writable.exists();
                received = 0;
                writer = new UploadWriter(file, disks.get(), ctx.executor(), new UploadWriter.Reading() {
                    @Override
                    public void pause() {
                        ctx.channel().config().setAutoRead(false);
                    }

                    @Override
                    public void resume() {
                        if (writer != null && !finishing && !closing) {
                            ctx.channel().config().setAutoRead(true);
                        }
                    }
                });
                continueOwed = HttpUtil.is100ContinueExpected(request);
                sendContinueWhenDue(ctx);
            }
        }
    }

    private void body(ChannelHandlerContext ctx, HttpContent content) {
        if (discarding) {
            discarding = !(content instanceof LastHttpContent);
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            HttpRequest request = upload;
            abort();
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST);
            discarding = false; // the decoder reads nothing more of this connection
            return;
        }
        received += content.content().readableBytes();
        long limit = site.settings().uploadMaxBytes();
        if (limit > 0 && received > limit) { // a chunked body that outgrew the limit
            boolean last = content instanceof LastHttpContent;
            content.release();
            HttpRequest request = upload;
            abort();
            refuse(ctx, request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            discarding = !last;
            return;
        }
        writer.write(content.content()); // the writer releases it
        if (content instanceof LastHttpContent) {
            finishing = true;
            ctx.channel().config().setAutoRead(false);
            writer.finish(failure -> finished(ctx, failure));
        }
    }

    /** The file is renamed into place (or failed): the response goes on, then what was held. */
    private void finished(ChannelHandlerContext ctx, IOException failure) {
        HttpRequest request = upload;
        boolean wasCreated = created;
        upload = null;
        writer = null;
        finishing = false;
        continueOwed = false;
        if (request == null || closing || !ctx.channel().isActive()) {
            releaseHeld();
            return;
        }
        HttpResponse response;
        if (failure != null) {
            response = message(request.protocolVersion(), HttpResponseStatus.INTERNAL_SERVER_ERROR);
        } else if (wasCreated) {
            response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.CREATED);
            response.headers().set(HttpHeaderNames.LOCATION, StaticRoot.originPath(request.uri()));
        } else {
            response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NO_CONTENT);
        }
        pass(ctx, new AnsweredRequest(request, response, failure != null));
        ctx.channel().config().setAutoRead(true);
        while (!finishing && !closing && !held.isEmpty()) {
            channelRead(ctx, held.poll());
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status) {
        continueOwed = false;
        discarding = true; // the body that follows, up to its end
        pass(ctx, new AnsweredRequest(request, message(request.protocolVersion(), status), true));
    }

    /** Hands an answered request to the request handler as a complete request. */
    private void pass(ChannelHandlerContext ctx, AnsweredRequest answered) {
        forwarded++;
        ctx.fireChannelRead(answered);
        ctx.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean endsConnection = false;
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answered++;
            endsConnection = !HttpUtil.isKeepAlive(response);
        }
        ctx.write(msg, promise);
        if (endsConnection) {
            closing = true;
            abort();
            releaseHeld();
        } else {
            sendContinueWhenDue(ctx);
        }
    }

    private void sendContinueWhenDue(ChannelHandlerContext ctx) {
        if (continueOwed && answered >= forwarded) {
            continueOwed = false;
            ctx.writeAndFlush(new DefaultFullHttpResponse(upload.protocolVersion(), HttpResponseStatus.CONTINUE));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == RequestDeadline.Expired.INSTANCE && upload != null) {
            return; // the head arrived in time; a body only has to keep moving (idle timeout)
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abort();
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        abort();
        releaseHeld();
    }

    /** Drops the upload in progress, if any: its temporary is deleted, the target untouched. */
    private void abort() {
        if (writer != null) {
            writer.abort();
            writer = null;
        }
        upload = null;
        finishing = false;
        continueOwed = false;
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    private static FullHttpResponse message(HttpVersion version, HttpResponseStatus status) {
        String text = status.code() + " " + status.reasonPhrase() + "\n";
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }
}
