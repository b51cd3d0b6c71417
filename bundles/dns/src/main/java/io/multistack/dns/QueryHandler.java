package io.multistack.dns;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsResponse;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The end of both pipelines (UDP: datagram codec; TCP: length-prefixed codec): answers each
 * decoded query, drops UDP responses beyond a client's rate, and counts what the decoders
 * could not read — dropped over UDP, the connection closed over TCP. Runs on the tenant's
 * event loop, which also confines the rate limiter.
 */
@Sharable
final class QueryHandler extends SimpleChannelInboundHandler<DnsQuery> {
    private static final Logger LOG = System.getLogger("io.multistack.dns");

    private final QueryProcessor processor;
    private final RateLimiter limiter;
    private final DnsCounters counters;
    private final boolean stream;

    /** @param stream TCP: a decoding error closes the connection (a stream out of step cannot be resynchronised) */
    QueryHandler(QueryProcessor processor, RateLimiter limiter, DnsCounters counters, boolean stream) {
        this.processor = processor;
        this.limiter = limiter;
        this.counters = counters;
        this.stream = stream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
        DnsResponse response;
        if (query instanceof DatagramDnsQuery datagram) {
            if (!limiter.allow(datagram.sender().getAddress())) {
                counters.rateLimited.increment();
                return;
            }
            response = new DatagramDnsResponse(null, datagram.sender(), query.id(), query.opCode());
        } else {
            response = new DefaultDnsResponse(query.id(), query.opCode());
        }
        processor.respond(query, response, query instanceof DatagramDnsQuery);
        ctx.writeAndFlush(response, ctx.voidPromise());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            counters.malformed.increment();
            LOG.log(Level.DEBUG, "malformed DNS message dropped: {0}", cause.toString());
        } else {
            LOG.log(Level.WARNING, "DNS server error: {0}", cause.toString());
        }
        if (stream) {
            ctx.close();
        }
    }
}
