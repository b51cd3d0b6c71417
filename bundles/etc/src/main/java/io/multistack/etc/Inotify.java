package io.multistack.etc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux inotify on one folder, through the FFM API: unlike the JDK's WatchService it says
 * when a writer has closed a file ({@code IN_CLOSE_WRITE}) and when a file was renamed into
 * place ({@code IN_MOVED_TO}), the moments a file is known to be complete. One thread calls
 * {@link #await}; {@link #wake()} (any thread, through an eventfd) makes it return
 * {@code null}, after which that thread calls {@link #close()}.
 */
final class Inotify implements AutoCloseable {
    /** One change of a file of the folder: its name and the inotify mask bits. */
    record Event(String name, int mask) {
        boolean any(int bits) {
            return (mask & bits) != 0;
        }
    }

    // <sys/inotify.h>, <sys/eventfd.h>, <poll.h>: the same values on every Linux architecture
    static final int IN_MODIFY = 0x2;
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_CREATE = 0x100;
    static final int IN_DELETE = 0x200;
    static final int IN_Q_OVERFLOW = 0x4000;
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int EINTR = 4;
    private static final int WATCHED = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE;
    /** struct inotify_event: int wd; uint32 mask, cookie, len; char name[len]. */
    private static final int EVENT_HEADER = 16;
    private static final int MASK_OFFSET = 4;
    private static final int LENGTH_OFFSET = 12;
    /** struct pollfd: int fd; short events, revents. */
    private static final int POLLFD = 8;
    private static final int BUFFER = 64 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle INIT = call("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle ADD_WATCH = call("inotify_add_watch",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = call("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = call("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ = call("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = call("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    /** errno of the waiting thread's calls; {@link #wake()} has its own, being called from another thread. */
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment wakeState = arena.allocate(CALL_STATE);
    private final MemorySegment buffer = arena.allocate(BUFFER, 8);
    private final MemorySegment pollFds = arena.allocate(2 * POLLFD, 4);
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final int inotify;
    private final int wakeup;

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    /** Watches {@code folder}; throws what FFM throws without native access. */
    Inotify(Path folder) throws IOException {
        try {
            inotify = check("inotify_init1", (int) INIT.invokeExact(state, IN_NONBLOCK | IN_CLOEXEC));
            wakeup = check("eventfd", (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC));
            MemorySegment path = arena.allocateFrom(folder.toAbsolutePath().toString());
            check("inotify_add_watch " + folder, (int) ADD_WATCH.invokeExact(state, inotify, path, WATCHED));
        } catch (IOException | RuntimeException | Error failed) {
            arena.close();
            throw failed;
        } catch (Throwable impossible) { // invokeExact declares Throwable; a downcall throws nothing checked
            arena.close();
            throw new IllegalStateException(impossible);
        }
        pollFds.set(JAVA_INT, 0, inotify);
        pollFds.set(JAVA_SHORT, 4, POLLIN);
        pollFds.set(JAVA_INT, POLLFD, wakeup);
        pollFds.set(JAVA_SHORT, POLLFD + 4, POLLIN);
    }

    /**
     * Waits up to {@code timeoutMillis} ({@code -1}: no limit) for changes: the events read
     * (empty when the time ran out), or {@code null} once {@link #wake()} was called.
     */
    List<Event> await(int timeoutMillis) throws IOException {
        try {
            int ready = (int) POLL.invokeExact(state, pollFds, 2L, timeoutMillis);
            if (ready < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                if (errno == EINTR) {
                    return List.of();
                }
                throw new IOException("poll: errno " + errno);
            }
            if ((pollFds.get(JAVA_SHORT, POLLFD + 6) & POLLIN) != 0) {
                return null;
            }
            if ((pollFds.get(JAVA_SHORT, 6) & POLLIN) == 0) {
                return List.of();
            }
            long read = (long) READ.invokeExact(state, inotify, buffer, (long) BUFFER);
            return read <= 0 ? List.of() : events((int) read);
        } catch (IOException | RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private List<Event> events(int length) {
        List<Event> events = new ArrayList<>();
        for (int at = 0; at + EVENT_HEADER <= length;) {
            int mask = buffer.get(JAVA_INT, at + MASK_OFFSET);
            int nameLength = buffer.get(JAVA_INT, at + LENGTH_OFFSET);
            String name = nameLength == 0 ? ""
                    : buffer.asSlice(at + EVENT_HEADER, nameLength).getString(0, StandardCharsets.UTF_8);
            events.add(new Event(name, mask));
            at += EVENT_HEADER + nameLength;
        }
        return events;
    }

    /** Makes the waiting {@link #await} return {@code null}; any one thread, once. */
    void wake() {
        try {
            one.set(JAVA_LONG, 0, 1L);
            long written = (long) WRITE.invokeExact(wakeState, wakeup, one, 8L);
            if (written != 8) {
                throw new IllegalStateException("eventfd write: errno " + (int) ERRNO.get(wakeState, 0L));
            }
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Closes both descriptors; by the thread that called {@link #await}, once it returned {@code null}. */
    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(state, inotify);
            ignored = (int) CLOSE.invokeExact(state, wakeup);
        } catch (Throwable cannot) {
            // closing descriptors cannot fail in a way we could act on
        } finally {
            arena.close();
        }
    }

    private int check(String what, int result) throws IOException {
        if (result < 0) {
            throw new IOException(what + ": errno " + (int) ERRNO.get(state, 0L));
        }
        return result;
    }
}
