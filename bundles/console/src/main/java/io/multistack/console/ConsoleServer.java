package io.multistack.console;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves commands on a UNIX domain socket readable and writable by the owner only: a
 * local channel that no tenant network can reach. One command per connection, each on a
 * virtual thread; a client has {@code requestTimeout} to send its command; at most
 * {@code maxConcurrentCommands} run at once, and a command keeps its slot until it really
 * ends, even after its client was told it timed out.
 */
final class ConsoleServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.multistack.console");

    private final Path socket;
    private final ServerSocketChannel server;
    private final CommandRunner runner;
    private final ConsoleLimits limits;
    private final Semaphore commandSlots;
    private final ScheduledExecutorService watchdog;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private ConsoleServer(Path socket, ServerSocketChannel server, CommandRunner runner, ConsoleLimits limits) {
        this.socket = socket;
        this.server = server;
        this.runner = runner;
        this.limits = limits;
        this.commandSlots = new Semaphore(limits.maxConcurrentCommands());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("multistack-console-watchdog").daemon().factory());
        this.acceptor = Thread.ofVirtual().name("multistack-console-acceptor").unstarted(this::acceptLoop);
    }

    static ConsoleServer open(Path socket, CommandRunner runner, ConsoleLimits limits) throws IOException {
        // A socket file left by an appliance that died; the launcher refuses to run two on one home.
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        ConsoleServer console = new ConsoleServer(socket, server, runner, limits);
        console.acceptor.start();
        return console;
    }

    Path socket() {
        return socket;
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                spawn("multistack-console-client", () -> serve(client));
            }
        } catch (ClosedChannelException e) {
            // close() was called
        } catch (IOException e) {
            LOG.log(Level.ERROR, "console stopped accepting connections on " + socket, e);
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ConsoleProtocol.writeReply(client, answer(client));
        } catch (ClosedChannelException e) {
            LOG.log(Level.DEBUG, "console client went away or was too slow to send its command");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "console connection failed: {0}", e.getMessage());
        }
    }

    private Reply answer(SocketChannel client) throws IOException {
        String command;
        try {
            // Read first even when busy: see ConsoleProtocol.readCommand on unread input.
            command = readWithDeadline(client);
        } catch (ConsoleProtocol.RequestTooLong e) {
            LOG.log(Level.WARNING, "console request rejected: {0}", e.getMessage());
            return Reply.rejected(e.getMessage());
        }
        if (command.isBlank()) {
            return Reply.rejected("empty command");
        }
        if (!commandSlots.tryAcquire()) {
            return Reply.rejected("busy: " + limits.maxConcurrentCommands() + " commands already running");
        }
        return run(command); // the slot passes to the command's thread
    }

    private String readWithDeadline(SocketChannel client) throws IOException {
        // A blocked read has no timeout of its own: closing the channel ends it.
        ScheduledFuture<?> deadline = watchdog.schedule(() -> closeQuietly(client),
                limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return ConsoleProtocol.readCommand(client, limits.maxCommandBytes());
        } finally {
            deadline.cancel(false);
        }
    }

    /** Runs the command on its own thread, which holds a slot until it returns. */
    private Reply run(String command) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        Thread worker = spawn("multistack-console-command", () -> {
            try {
                result.complete(runner.execute(command));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                commandSlots.release();
            }
        });
        try {
            return result.get(limits.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            LOG.log(Level.WARNING, "console command timed out after {0} s: {1}",
                    limits.commandTimeout().toSeconds(), command);
            return new Reply(Reply.Status.TIMED_OUT,
                    "console: timed out after " + limits.commandTimeout().toSeconds() + " s\n");
        } catch (ExecutionException e) {
            return new Reply(Reply.Status.FAILED, "console: " + e.getCause() + "\n");
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return Reply.rejected("console is stopping");
        }
    }

    /** A virtual thread that close() can interrupt while it runs. */
    private Thread spawn(String name, Runnable task) {
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                task.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Stops accepting, interrupts every connection and command, and removes the socket file. */
    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        threads.forEach(Thread::interrupt);
        watchdog.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
