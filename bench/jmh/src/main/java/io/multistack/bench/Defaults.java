package io.multistack.bench;

/**
 * JVM flags of every benchmark fork: those the appliance's launcher passes, worker threads
 * like the appliance's event-loop threads ({@link EventLoopThreads}), and Netty's leak
 * detection off, so that bytes per frame are those of our code: at its default level the
 * detector records a stack trace for one buffer in 128, about 12 bytes and a few tens of
 * nanoseconds per buffer on average (see README).
 */
public final class Defaults {
    private Defaults() {}

    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    public static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    public static final String EXECUTOR = "-Djmh.executor=CUSTOM";
    public static final String EVENT_LOOP_THREADS = "-Djmh.executor.class=io.multistack.bench.EventLoopThreads";
    public static final String NO_LEAK_DETECTION = "-Dio.netty.leakDetection.level=disabled";
}
