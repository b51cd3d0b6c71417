package io.multistack.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * A request a handler in front of the {@link RequestHandler} has already carried out (a PUT
 * by {@link UploadHandler}), passed on with its response so that the request handler sends it
 * in request order, logs it and keeps or ends the connection as for any other request. Its
 * headers are the original's without those describing the body, which has been consumed.
 */
final class AnsweredRequest extends DefaultHttpRequest {
    private final HttpResponse response;
    private final boolean refusal;

    /** {@code refusal}: the connection ends after the response, the client may still be sending. */
    AnsweredRequest(HttpRequest original, HttpResponse response, boolean refusal) {
        super(original.protocolVersion(), original.method(), original.uri(), withoutBody(original.headers()));
        this.response = response;
        this.refusal = refusal;
    }

    HttpResponse response() {
        return response;
    }

    boolean refusal() {
        return refusal;
    }

    private static HttpHeaders withoutBody(HttpHeaders original) {
        return new DefaultHttpHeaders().set(original).remove(HttpHeaderNames.CONTENT_LENGTH)
                .remove(HttpHeaderNames.TRANSFER_ENCODING).remove(HttpHeaderNames.EXPECT);
    }
}
