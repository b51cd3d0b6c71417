package io.multistack.ftp;

import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tenant's FTP server on the tenant's own transport: the control listener, the sessions
 * (counted against {@code maxSessions}, 421 beyond), the login guard they share. Settings
 * changes apply at once (users, limits) or to the next session (idle timeout); a port
 * change rebinds.
 */
final class FtpServer {
    private final String tenant;
    private final TenantTransport transport;
    private final FileArea area;
    private final LoginGuard guard = new LoginGuard();
    private final ChannelGroup sessions;
    private final AtomicInteger sessionCount = new AtomicInteger();
    private volatile FtpSettings settings;
    private volatile Channel listener;

    FtpServer(String tenant, TenantTransport transport, FileArea area, FtpSettings settings) {
        this.tenant = tenant;
        this.transport = transport;
        this.area = area;
        this.settings = settings;
        this.sessions = new DefaultChannelGroup(transport.eventLoop());
    }

    String tenant() {
        return tenant;
    }

    FtpSettings settings() {
        return settings;
    }

    void start() throws InterruptedException {
        listener = bind(settings.port());
    }

    /** New settings; a new port is bound before the old one closes, and a failure changes nothing. */
    void apply(FtpSettings next) throws InterruptedException {
        if (next.port() != settings.port()) {
            Channel fresh = bind(next.port());
            Channel old = listener;
            listener = fresh;
            old.close().syncUninterruptibly();
        }
        settings = next;
    }

    void stop() {
        Channel channel = listener;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        sessions.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    int sessions() {
        return sessionCount.get();
    }

    String status() {
        Channel channel = listener;
        String address = channel == null || channel.localAddress() == null ? "-"
                : channel.localAddress().toString().replaceFirst("^.*/", "");
        FtpSettings current = settings;
        return "listening on " + address + ", " + sessions() + " sessions, " + current.users().size() + " users"
                + (current.anonymous() ? " + anonymous" : "") + ", passive " + current.pasvMin() + "-"
                + current.pasvMax();
    }

    private Channel bind(int port) throws InterruptedException {
        return new ServerBootstrap().group(transport.eventLoop()).channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        accept(channel);
                    }
                }).bind(port).sync().channel();
    }

    private void accept(Channel channel) {
        FtpSettings current = settings;
        if (sessionCount.incrementAndGet() > current.maxSessions()) {
            sessionCount.decrementAndGet();
            channel.pipeline().addLast(new Busy());
            return;
        }
        sessions.add(channel);
        channel.closeFuture().addListener(closed -> sessionCount.decrementAndGet());
        InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
        Session session = new Session(area, this::settings, guard, peer.getAddress(), Instant::now);
        channel.pipeline().addLast("idle", new IdleStateHandler(0, 0, current.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
        channel.pipeline().addLast("lines", new LineBasedFrameDecoder(CommandParser.MAX_LINE, true, false));
        channel.pipeline().addLast("control", new ControlHandler(this, session,
                new DataLink(transport, peer.getAddress())));
    }

    /** Answers a session beyond the limit with 421 and closes it. */
    private static final class Busy extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(Reply.of(421, "Too many sessions, try later.").encode()))
                    .addListener(ChannelFutureListener.CLOSE);
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
