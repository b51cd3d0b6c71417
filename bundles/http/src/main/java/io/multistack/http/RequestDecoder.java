package io.multistack.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, telling how many received bytes it holds that belong to no
 * request yet: the start of a pipelined request that arrived with the end of the previous
 * one. {@link RequestDeadline} needs that to time such a request from its first byte too.
 */
final class RequestDecoder extends HttpRequestDecoder {
    RequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    int bufferedBytes() {
        return actualReadableBytes();
    }
}
