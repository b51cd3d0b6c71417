package io.multistack.ftp;

import io.multistack.uploads.UploadWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * The I/O side of one control connection: reads command lines, lets the {@link Session}
 * decide, and carries out its {@link Outcome}s: replies, delayed replies, data connections
 * and transfers. Commands run one at a time in arrival order; while a transfer runs only
 * ABOR, STAT, NOOP and QUIT are answered at once, the rest wait their turn.
 */
final class ControlHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = System.getLogger("io.multistack.ftp");
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(30);
    private static final int CHUNK = 64 * 1024;
    private static final List<String> DURING_TRANSFER = List.of("ABOR", "STAT", "NOOP", "QUIT");

    private final FtpServer server;
    private final Session session;
    private final DataLink data;
    private final Queue<Object> waiting = new ArrayDeque<>();
    private ChannelHandlerContext context;
    private boolean busy;
    private Transfer transfer;

    ControlHandler(FtpServer server, Session session, DataLink data) {
        this.server = server;
        this.session = session;
        this.data = data;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context = ctx;
        carry(session.greeting());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
        Object next;
        try {
            next = CommandParser.parse(ByteBufUtil.getBytes(line));
        } catch (CommandParser.Malformed malformed) {
            next = malformed.reply();
        }
        if (transfer != null && next instanceof Command command && DURING_TRANSFER.contains(command.verb())) {
            duringTransfer(command);
            return;
        }
        waiting.add(next);
        drain();
    }

    private void drain() {
        while (!busy && !waiting.isEmpty() && context.channel().isActive()) {
            Object next = waiting.poll();
            if (next instanceof Reply reply) {
                reply(reply);
            } else {
                carry(session.handle((Command) next));
            }
        }
    }

    /** Carries out what the session decided. */
    private void carry(Outcome outcome) {
        switch (outcome) {
            case Outcome.Send send when send.delayed() -> later(send);
            case Outcome.Send send -> {
                reply(send.reply());
                if (send.close()) {
                    closeAfterReply();
                }
            }
            case Outcome.Deferred deferred -> defer(deferred);
            case Outcome.Passive passive -> passive(passive.extended());
            case Outcome.Active active -> {
                data.active(active.target());
                reply(active.reply());
            }
            case Outcome.Abort abort -> reply(Reply.of(225, "No transfer to abort."));
            case Outcome.SendListing listing -> startTransfer(new Transfer(this, listing.what()) {
                @Override
                void run(Channel channel) {
                    channel.writeAndFlush(Unpooled.wrappedBuffer(listing.content()))
                            .addListener(written -> sent(channel, written.isSuccess()));
                }
            });
            case Outcome.Retrieve retrieve -> retrieve(retrieve);
            case Outcome.Store store -> store(store);
        }
    }

    // ---- replies

    private void reply(Reply reply) {
        context.writeAndFlush(Unpooled.wrappedBuffer(reply.encode()));
    }

    private void closeAfterReply() {
        busy = true; // nothing more is read or answered
        context.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** A failed login is answered after the delay, without holding the loop. */
    private void later(Outcome.Send send) {
        busy = true;
        Duration delay = server.settings().loginDelay();
        context.executor().schedule(() -> {
            busy = false;
            carry(new Outcome.Send(send.reply(), false, send.close()));
            drain();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void defer(Outcome.Deferred deferred) {
        busy = true;
        Thread.ofVirtual().name("ftp-login").start(() -> {
            Outcome result;
            try {
                result = deferred.work().get();
            } catch (RuntimeException failed) {
                result = new Outcome.Send(Reply.of(451, "Local error in processing."));
            }
            Outcome decided = result;
            context.executor().execute(() -> {
                busy = false;
                carry(decided);
                drain();
            });
        });
    }

    // ---- data connections

    private void passive(boolean extended) {
        FtpSettings settings = server.settings();
        busy = true; // a command sent right after PASV waits for its 227
        data.listen(settings.pasvMin(), settings.pasvMax()).addListener(done -> {
            busy = false;
            try {
                passiveBound(done, extended);
            } finally {
                drain();
            }
        });
    }

    private void passiveBound(Future<?> done, boolean extended) {
        if (!done.isSuccess()) {
            reply(Reply.of(425, "Cannot open a passive connection."));
            return;
        }
        java.net.InetSocketAddress bound = (java.net.InetSocketAddress) done.getNow();
        int port = bound.getPort();
        if (extended) {
            reply(Reply.of(229, "Entering Extended Passive Mode (|||" + port + "|)"));
        } else {
            // the tenant's own address, as the client reached it on the control connection
            byte[] address = ((java.net.InetSocketAddress) context.channel().localAddress()).getAddress()
                    .getAddress();
            reply(Reply.of(227, String.format("Entering Passive Mode (%d,%d,%d,%d,%d,%d).", address[0] & 0xFF,
                    address[1] & 0xFF, address[2] & 0xFF, address[3] & 0xFF, port >> 8, port & 0xFF)));
        }
    }

    private void startTransfer(Transfer next) {
        if (!data.configured()) {
            reply(Reply.of(425, "Use PORT or PASV first."));
            next.cancelled();
            return;
        }
        busy = true;
        transfer = next;
        data.open(DATA_TIMEOUT).addListener(done -> {
            if (transfer != next) {
                if (done.isSuccess()) {
                    ((Channel) done.getNow()).close();
                }
                return; // aborted while connecting
            }
            if (!done.isSuccess()) {
                transfer = null;
                next.cancelled();
                reply(Reply.of(425, "Cannot open data connection."));
                busy = false;
                drain();
                return;
            }
            Channel channel = (Channel) done.getNow();
            next.channel = channel;
            reply(Reply.of(150, "Opening " + (session.binary() ? "BINARY" : "ASCII") + " mode data connection for "
                    + next.what + "."));
            next.run(channel);
        });
    }

    private void retrieve(Outcome.Retrieve retrieve) {
        FileChannel file;
        long size;
        try {
            file = FileChannel.open(retrieve.file(), StandardOpenOption.READ);
            size = file.size();
        } catch (IOException failed) {
            reply(Reply.of(550, "Cannot open " + retrieve.virtual() + "."));
            return;
        }
        startTransfer(new Transfer(this, retrieve.virtual() + " (" + (size - retrieve.offset()) + " bytes)") {
            @Override
            void run(Channel channel) {
                try {
                    // ChunkedWriteHandler reads the next chunk only when the channel is writable
                    channel.writeAndFlush(new ChunkedNioFile(file, retrieve.offset(), size - retrieve.offset(), CHUNK))
                            .addListener(written -> {
                                closeQuietly(file);
                                sent(channel, written.isSuccess());
                            });
                } catch (IOException failed) {
                    closeQuietly(file);
                    sent(channel, false);
                }
            }

            @Override
            void cancelled() {
                closeQuietly(file);
            }
        });
    }

    private void store(Outcome.Store store) {
        AtomicUpload upload;
        try {
            upload = AtomicUpload.create(store.file(), store.offset()); // the kept prefix is copied off the loop
        } catch (IOException failed) {
            reply(Reply.of(553, "Cannot create " + store.virtual() + "."));
            return;
        }
        startTransfer(new Transfer(this, store.virtual()) {
            private UploadWriter writer;

            @Override
            void run(Channel channel) {
                writer = new UploadWriter(upload, UploadWriter.virtualThread("ftp-upload"), channel.eventLoop(),
                        new UploadWriter.Reading() {
                            @Override
                            public void pause() {
                                channel.config().setAutoRead(false);
                            }

                            @Override
                            public void resume() {
                                channel.config().setAutoRead(true);
                            }
                        });
                channel.pipeline().get(DataConnection.class).receive(new DataConnection.Receiver() {
                    @Override
                    public void data(ByteBuf bytes) {
                        writer.write(bytes.retain());
                    }

                    @Override
                    public void end() {
                        if (finished) {
                            return;
                        }
                        writer.finish(failed -> {
                            if (failed != null) {
                                LOG.log(Level.WARNING, "Tenant {0}: upload of {1} not stored: {2}", server.tenant(),
                                        store.virtual(), failed.toString());
                            }
                            complete(failed == null ? Reply.of(226, "Transfer complete.")
                                    : Reply.of(451, "Upload failed: not stored."));
                        });
                    }

                    @Override
                    public void failed(Throwable cause) {
                        writer.abort();
                        complete(Reply.of(426, "Connection closed; transfer aborted."));
                    }
                });
            }

            @Override
            void cancelled() {
                if (writer != null) {
                    writer.abort();
                }
                upload.abort();
            }
        });
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // read only
        }
    }

    // ---- commands during a transfer

    private void duringTransfer(Command command) {
        switch (command.verb()) {
            case "ABOR" -> {
                Transfer aborted = transfer;
                aborted.finished = true;
                transfer = null;
                aborted.cancelled();
                if (aborted.channel != null) {
                    aborted.channel.close();
                }
                data.close();
                reply(Reply.of(426, "Connection closed; transfer aborted."));
                reply(Reply.of(226, "Abort successful."));
                busy = false;
                drain();
            }
            case "STAT" -> reply(Reply.multi(211, "Status:", List.of("Transferring " + transfer.what), "End"));
            case "NOOP" -> reply(Reply.of(200, "NOOP ok."));
            default -> { // QUIT
                abortTransfer();
                reply(Reply.of(221, "Goodbye."));
                closeAfterReply();
            }
        }
    }

    private void abortTransfer() {
        Transfer running = transfer;
        if (running != null) {
            running.finished = true;
            transfer = null;
            running.cancelled();
        }
        data.close();
    }

    // ---- connection events

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && transfer == null && !busy) {
            reply(Reply.of(421, "Idle timeout, closing the control connection."));
            closeAfterReply();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abortTransfer();
        waiting.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            waiting.add(Reply.of(500, "Line too long."));
            drain();
            return;
        }
        LOG.log(Level.DEBUG, "Tenant {0}: FTP control connection failed: {1}", server.tenant(), cause.toString());
        ctx.close();
    }

    /** The end of a transfer: its final reply, then the next waiting command. */
    private void finish(Transfer done, Reply reply) {
        if (done.finished) {
            return;
        }
        done.finished = true;
        if (transfer == done) {
            transfer = null;
        }
        reply(reply);
        busy = false;
        drain();
    }

    /** One transfer over a data connection, from 150 to its final reply. */
    private abstract static class Transfer {
        final ControlHandler control;
        final String what;
        Channel channel;
        boolean finished;

        Transfer(ControlHandler control, String what) {
            this.control = control;
            this.what = what;
        }

        abstract void run(Channel channel);

        /** Releases what the transfer holds when it never runs or is aborted. */
        void cancelled() {}

        /** Sending ended: close the data connection (the client's end of file), then 226 or 426. */
        final void sent(Channel channel, boolean ok) {
            channel.close().addListener(closed -> complete(ok ? Reply.of(226, "Transfer complete.")
                    : Reply.of(426, "Connection closed; transfer aborted.")));
        }

        final void complete(Reply reply) {
            if (!finished) {
                if (channel != null) {
                    channel.close();
                }
                control.finish(this, reply);
            }
        }
    }
}
