package io.multistack.access;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
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

/**
 * The C library calls of {@link DatagramReceiver} and {@link DatagramSender}, bound through the FFM API. Loading this
 * class links them: without native access it fails ({@code IllegalCallerException}, or an
 * {@code ExceptionInInitializerError} around it), which {@link #check()} turns into a reason.
 */
final class SocketCalls {
    // Linux errno values and flags (x86_64 and aarch64 share them)
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EMSGSIZE = 90;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;
    static final int ENOBUFS = 105;
    static final int MSG_TRUNC = 0x20;
    /** setsockopt(SOL_UDP, UDP_GRO): the kernel may hand over a run of datagrams as one (Linux 5.0+). */
    static final int UDP_GRO = 104;
    static final int MSG_DONTWAIT = 0x40;
    /** fcntl: the lowest free descriptor ≥ arg for the same open file, with FD_CLOEXEC set. */
    private static final int F_DUPFD_CLOEXEC = 1030;

    /** Where a call leaves errno; one per caller, allocated with its other native memory. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker LINKER = Linker.nativeLinker();
    /** int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout) */
    private static final MethodHandle RECVMMSG = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("recvmmsg"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            Linker.Option.captureCallState("errno"));
    /** int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags) */
    private static final MethodHandle SENDMMSG = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("sendmmsg"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    /** int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen) */
    private static final MethodHandle GETSOCKNAME = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("getsockname"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
            Linker.Option.captureCallState("errno"));
    /** int setsockopt(int fd, int level, int name, const void *value, socklen_t length) */
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("setsockopt"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    /** int fcntl(int fd, int cmd, ...), called with one int argument */
    private static final MethodHandle FCNTL = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));

    private SocketCalls() {}

    /** Links the calls; throws what FFM throws when it cannot (no native access, no such symbol). */
    static void check() {
        // the class initializer did the work
    }

    /**
     * One {@code recvmmsg} that never blocks: the number of datagrams received, or
     * {@code -errno}. {@code state} is a {@link #CALL_STATE} segment.
     */
    static int recvmmsg(MemorySegment state, int fd, MemorySegment messages, int count) {
        try {
            int received = (int) RECVMMSG.invokeExact(state, fd, messages, count, MSG_DONTWAIT, MemorySegment.NULL);
            return received >= 0 ? received : -(int) ERRNO.get(state, 0L);
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) { // invokeExact declares Throwable; a downcall throws nothing checked
            throw new IllegalStateException(impossible);
        }
    }

    /**
     * One {@code sendmmsg} that never blocks: the number of messages sent (from the first; at
     * least one), or {@code -errno} when the first could not be sent.
     */
    static int sendmmsg(MemorySegment state, int fd, MemorySegment messages, int count) {
        try {
            int sent = (int) SENDMMSG.invokeExact(state, fd, messages, count, MSG_DONTWAIT);
            return sent >= 0 ? sent : -(int) ERRNO.get(state, 0L);
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** {@code setsockopt} with {@code value}'s bytes; throws with the errno when the kernel refuses. */
    static void setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, String what)
            throws IOException {
        int result;
        try {
            result = (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
        if (result != 0) {
            throw new IOException("setsockopt(" + what + "): errno " + (int) ERRNO.get(state, 0L));
        }
    }

    /** The address family of the socket's own name: AF_INET, or AF_INET6 for a dual-stack socket. */
    static short family(MemorySegment state, int fd) throws IOException {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment name = scratch.allocate(MessageSlots.SOCKADDR_IN6);
            MemorySegment length = scratch.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, (int) name.byteSize());
            int result = (int) GETSOCKNAME.invokeExact(state, fd, name, length);
            if (result < 0) {
                throw new IOException("getsockname(" + fd + "): errno " + (int) ERRNO.get(state, 0L));
            }
            return name.get(JAVA_SHORT, 0);
        } catch (IOException | RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** A few errno names for the log; the number otherwise. */
    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case EIO -> "EIO";
            case 13 -> "EACCES";
            case EINVAL -> "EINVAL";
            case 101 -> "ENETUNREACH";
            case 111 -> "ECONNREFUSED";
            case 113 -> "EHOSTUNREACH";
            case EMSGSIZE -> "EMSGSIZE";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    /**
     * A second descriptor of the same open socket, as dup(2), but closed on exec like Netty's
     * own: a process started meanwhile must not keep the socket (and its port) open.
     */
    static int dup(MemorySegment state, int fd) throws IOException {
        int copy;
        try {
            copy = (int) FCNTL.invokeExact(state, fd, F_DUPFD_CLOEXEC, 0);
        } catch (RuntimeException | Error failed) {
            throw failed;
        } catch (Throwable impossible) {
            throw new IllegalStateException(impossible);
        }
        if (copy < 0) {
            throw new IOException("fcntl(" + fd + ", F_DUPFD_CLOEXEC): errno " + (int) ERRNO.get(state, 0L));
        }
        return copy;
    }
}
