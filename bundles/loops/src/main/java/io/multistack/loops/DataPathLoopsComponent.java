package io.multistack.loops;

import io.multistack.api.loop.DataPathLoops;
import io.multistack.config.ConfigValues;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The data-path loops: PID {@code io.multistack.loops}, keys {@code threads} (default: one
 * per available processor, 1..256) and {@code busyPoll} (default false: a loop sleeps in
 * epoll until there is work; true: it polls without sleeping, {@link BusyPolling}, a
 * processor per loop for the shortest round trips). Changing either restarts the loops and
 * so everything on them (the VXLAN endpoint and every tenant stack); they are sizing
 * decisions, not live knobs.
 */
@Component(configurationPid = DataPathLoopsComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DataPathLoopsComponent implements DataPathLoops {
    static final String PID = "io.multistack.loops";
    static final int MAX_THREADS = 256;
    private static final Set<String> KEYS = Set.of("threads", "busyPoll");
    private static final Logger LOG = System.getLogger("io.multistack.loops");

    private final MultiThreadIoEventLoopGroup group;
    private final List<EventLoop> loops;
    private final boolean nativeEpoll;
    private final boolean busyPoll;

    @Activate
    public DataPathLoopsComponent(Map<String, Object> properties) {
        this(threadsOf(properties), NativeEpoll.available(), busyPollOf(properties));
    }

    DataPathLoopsComponent(int threads, boolean epoll) {
        this(threads, epoll, false);
    }

    DataPathLoopsComponent(int threads, boolean epoll, boolean busyPoll) {
        this.nativeEpoll = epoll;
        this.busyPoll = busyPoll;
        IoHandlerFactory handlers = epoll ? NativeEpoll.ioHandlerFactory(busyPoll) : nioHandlerFactory(busyPoll);
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("multistack-loop", true), handlers);
        List<EventLoop> all = new ArrayList<>(threads);
        group.forEach(executor -> all.add((EventLoop) executor));
        this.loops = List.copyOf(all);
        LOG.log(Level.INFO, "{0} data-path loop(s), {1}{2}", threads, epoll ? "native epoll" : "NIO",
                busyPoll ? ", busy polling (each loop keeps a processor busy)" : "");
        int processors = Runtime.getRuntime().availableProcessors();
        if (busyPoll && leavesNoProcessor(threads, processors)) {
            LOG.log(Level.WARNING, "busy polling on {0} loop(s) with {1} processor(s): none is left for the server "
                    + "processes'' other threads and the kernel''s network work; set threads below {1}", threads,
                    processors);
        }
    }

    /** Whether busy-polling loops would keep every processor busy. */
    static boolean leavesNoProcessor(int threads, int processors) {
        return threads >= processors;
    }

    private static IoHandlerFactory nioHandlerFactory(boolean busyPoll) {
        return busyPoll ? NioIoHandler.newFactory(SelectorProvider.provider(), BusyPolling.INSTANCE)
                : NioIoHandler.newFactory();
    }

    static int threadsOf(Map<String, Object> properties) {
        Set<String> unknown = ConfigValues.unknownKeys(properties, KEYS);
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "{0}: ignoring unknown keys {1} (known: threads, busyPoll)",
                    ConfigValues.source(properties), unknown);
        }
        int fallback = Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
        try {
            int threads = ConfigValues.intOr(properties, "threads", fallback);
            if (threads < 1 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("key 'threads': " + threads + " is outside 1.." + MAX_THREADS);
            }
            return threads;
        } catch (IllegalArgumentException bad) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}; using {2} thread(s)", ConfigValues.source(properties),
                    bad.getMessage(), fallback);
            return fallback;
        }
    }

    /** The {@code busyPoll} key; a word that is not a flag is logged and taken as false (loops that sleep). */
    static boolean busyPollOf(Map<String, Object> properties) {
        try {
            return ConfigValues.flagOr(properties, "busyPoll", false);
        } catch (IllegalArgumentException bad) {
            LOG.log(Level.ERROR, "Rejected {0}: {1}; the loops sleep when idle", ConfigValues.source(properties),
                    bad.getMessage());
            return false;
        }
    }

    /** Whether the loops poll without sleeping ({@code busyPoll = true}). */
    boolean busyPolling() {
        return busyPoll;
    }

    @Override
    public List<EventLoop> loops() {
        return loops;
    }

    @Override
    public boolean nativeEpoll() {
        return nativeEpoll;
    }

    @Deactivate
    void deactivate() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Kept in its own class so that loading the component never needs the epoll package. */
    private static final class NativeEpoll {
        static boolean available() {
            try {
                return io.netty.channel.epoll.Epoll.isAvailable();
            } catch (LinkageError absent) {
                return false;
            }
        }

        static IoHandlerFactory ioHandlerFactory(boolean busyPoll) {
            // 0 events: Netty's default, an array that grows when a wait fills it
            return busyPoll ? io.netty.channel.epoll.EpollIoHandler.newFactory(0, BusyPolling.INSTANCE)
                    : io.netty.channel.epoll.EpollIoHandler.newFactory();
        }
    }
}
