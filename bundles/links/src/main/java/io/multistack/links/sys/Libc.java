package io.multistack.links.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls the links need, bound once through the Foreign Function and Memory
 * API. Every call that can fail captures errno right after the call (before the JVM can
 * clobber it) and throws {@link SyscallException} naming the call and the error.
 */
public final class Libc {
    public static final int O_RDWR = 0x2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = bind("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.findOrThrow("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, options);
    }

    /** Per-call errno buffer: calls come from several threads, so it cannot be shared. */
    private static MemorySegment errnoBuffer(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static long check(String call, long result, MemorySegment state) throws SyscallException {
        if (result < 0) {
            throw new SyscallException(call, errno(state));
        }
        return result;
    }

    public static int open(String path, int flags) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            return (int) check("open " + path, (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags), state);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(errnoBuffer(arena), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment argument, String what) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            return (int) check("ioctl " + what, (int) IOCTL.invokeExact(state, fd, request, argument), state);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Reads into {@code into}; the caller's arena supplies the errno buffer so hot loops allocate nothing. */
    public static long read(int fd, MemorySegment into, long length, MemorySegment errnoState) throws SyscallException {
        try {
            return check("read", (long) READ.invokeExact(errnoState, fd, into, length), errnoState);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static long write(int fd, MemorySegment from, long length, MemorySegment errnoState) throws SyscallException {
        try {
            return check("write", (long) WRITE.invokeExact(errnoState, fd, from, length), errnoState);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int socket(int domain, int type, int protocol) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            return (int) check("socket", (int) SOCKET.invokeExact(state, domain, type, protocol), state);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void bind(int fd, MemorySegment address) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            check("bind", (int) BIND.invokeExact(state, fd, address, (int) address.byteSize()), state);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sendto with no address: the socket is bound, the kernel knows where the frame goes. */
    public static long send(int fd, MemorySegment from, long length, MemorySegment errnoState) throws SyscallException {
        try {
            return check("sendto", (long) SENDTO.invokeExact(errnoState, fd, from, length, MSG_DONTWAIT,
                    MemorySegment.NULL, 0), errnoState);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static long recvfrom(int fd, MemorySegment into, long length, int flags, MemorySegment errnoState)
            throws SyscallException {
        try {
            return check("recvfrom", (long) RECVFROM.invokeExact(errnoState, fd, into, length, flags,
                    MemorySegment.NULL, MemorySegment.NULL), errnoState);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags, MemorySegment errnoState)
            throws SyscallException {
        try {
            return check("recvmsg", (long) RECVMSG.invokeExact(errnoState, fd, msghdr, flags), errnoState);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for input on one descriptor; returns the revents bits (0 on timeout). */
    public static short pollIn(int fd, int timeoutMillis, MemorySegment pollfd, MemorySegment errnoState)
            throws SyscallException {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, POLLIN);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        try {
            int ready = (int) POLL.invokeExact(errnoState, pollfd, 1L, timeoutMillis);
            if (ready < 0) {
                int errno = errno(errnoState);
                if (errno == Errno.EINTR) {
                    return 0;
                }
                throw new SyscallException("poll", errno);
            }
            return ready == 0 ? 0 : pollfd.get(JAVA_SHORT, 6);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A struct pollfd (int fd; short events; short revents). */
    public static MemorySegment allocatePollfd(Arena arena) {
        return arena.allocate(8, 4);
    }

    public static MemorySegment allocateErrnoState(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** The interface's index; ENODEV when there is no interface of that name (in this namespace). */
    public static int ifNameToIndex(String name) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            int index = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
            if (index == 0) {
                int errno = errno(state);
                throw new SyscallException("if_nametoindex " + name, errno == 0 ? Errno.ENODEV : errno);
            }
            return index;
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void setsockoptInt(int fd, int level, int option, int value, String what) throws SyscallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoBuffer(arena);
            MemorySegment number = arena.allocateFrom(JAVA_INT, value);
            check("setsockopt " + what, (int) SETSOCKOPT.invokeExact(state, fd, level, option, number, 4), state);
        } catch (SyscallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
