package io.multistack.ftp;

import io.multistack.api.stack.TenantTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The data connections of one FTP session, inside the tenant's stack: a passive listener on
 * a port of the configured range (one connection per PASV, only from the control
 * connection's peer), or an active connection that the server opens into the tenant's
 * network towards the address PORT/EPRT named (the patent's push).
 */
final class DataLink {
    private final TenantTransport transport;
    private final EventLoop loop;
    private final InetAddress peer;
    private Channel listener;
    private Promise<Channel> accepted;
    private InetSocketAddress activeTarget;
    private Channel current;

    DataLink(TenantTransport transport, InetAddress peer) {
        this.transport = transport;
        this.loop = transport.eventLoop();
        this.peer = peer;
    }

    /** Opens a passive listener on a free port in [min, max]; completes with its address. */
    Future<InetSocketAddress> listen(int min, int max) {
        reset();
        Promise<Channel> connection = loop.newPromise();
        accepted = connection;
        Promise<InetSocketAddress> bound = loop.newPromise();
        int count = max - min + 1;
        tryBind(min, count, ThreadLocalRandom.current().nextInt(count), 0, connection, bound);
        return bound;
    }

    private void tryBind(int min, int count, int start, int attempt, Promise<Channel> connection,
            Promise<InetSocketAddress> bound) {
        if (attempt >= count) {
            bound.setFailure(new IllegalStateException("no free passive port in " + min + ".." + (min + count - 1)));
            return;
        }
        int port = min + (start + attempt) % count;
        ChannelFuture binding = new ServerBootstrap().group(loop).channelFactory(transport.serverChannels())
                .option(ChannelOption.SO_BACKLOG, 4)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        acceptedChild(child, connection);
                    }
                }).bind(port);
        binding.addListener(done -> {
            if (!done.isSuccess()) {
                tryBind(min, count, start, attempt + 1, connection, bound);
            } else if (connection != accepted) { // reset while binding
                binding.channel().close();
                bound.tryFailure(new IllegalStateException("data connection reset"));
            } else {
                listener = binding.channel();
                bound.setSuccess((InetSocketAddress) listener.localAddress());
            }
        });
    }

    private void acceptedChild(Channel child, Promise<Channel> connection) {
        InetSocketAddress remote = (InetSocketAddress) child.remoteAddress();
        // only the client on the control connection may use its passive port (no data theft)
        if (remote == null || !remote.getAddress().equals(peer) || connection.isDone()) {
            child.close();
            return;
        }
        // the pipeline first: a transfer waiting for this connection starts at trySuccess
        prepare(child);
        connection.trySuccess(child);
        Channel finished = listener;
        listener = null;
        if (finished != null) {
            finished.close();
        }
    }

    private static void prepare(Channel data) {
        data.pipeline().addLast("chunked", new ChunkedWriteHandler());
        data.pipeline().addLast("data", new DataConnection());
    }

    /** The next transfer connects out to this address. */
    void active(InetSocketAddress target) {
        reset();
        activeTarget = target;
    }

    boolean configured() {
        return accepted != null || activeTarget != null;
    }

    /**
     * The data connection for the next transfer: the accepted passive one (waiting up to
     * {@code timeout} for the client) or a new active one. Either is used once.
     */
    Future<Channel> open(Duration timeout) {
        Promise<Channel> result = loop.newPromise();
        if (accepted != null) {
            Promise<Channel> waiting = accepted;
            accepted = null;
            ScheduledFuture<?> deadline = loop.schedule(
                    () -> waiting.tryFailure(new IllegalStateException("client did not connect")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            waiting.addListener(done -> {
                deadline.cancel(false);
                closeListener();
                if (done.isSuccess()) {
                    current = waiting.getNow();
                    result.setSuccess(current);
                } else {
                    result.setFailure(done.cause());
                }
            });
        } else if (activeTarget != null) {
            InetSocketAddress target = activeTarget;
            activeTarget = null;
            ChannelFuture connecting = new Bootstrap().group(loop).channelFactory(transport.socketChannels())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel data) {
                            prepare(data);
                        }
                    }).connect(target);
            connecting.addListener(done -> {
                if (done.isSuccess()) {
                    current = connecting.channel();
                    result.setSuccess(current);
                } else {
                    result.setFailure(done.cause());
                }
            });
        } else {
            result.setFailure(new IllegalStateException("no PORT or PASV"));
        }
        return result;
    }

    private void closeListener() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }

    /** Forgets the previous PASV or PORT, closing an unused listener or connection. */
    private void reset() {
        closeListener();
        if (accepted != null) {
            Promise<Channel> unused = accepted;
            accepted = null;
            if (!unused.tryFailure(new IllegalStateException("replaced"))) {
                unused.getNow().close();
            }
        }
        activeTarget = null;
    }

    /** Closes everything: the session ends. */
    void close() {
        reset();
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
