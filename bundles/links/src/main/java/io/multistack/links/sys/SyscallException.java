package io.multistack.links.sys;

/** A failed system call, with the errno's symbolic name and the C library's message. */
public final class SyscallException extends Exception {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.message(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** Nothing to read or no room to write right now (non-blocking descriptor). */
    public boolean wouldBlock() {
        return errno == Errno.EAGAIN;
    }

    /**
     * The interface behind the descriptor is gone or down (deleted, its namespace removed):
     * the descriptor is useless and must be reopened.
     */
    public boolean interfaceLost() {
        return errno == Errno.EBADFD || errno == Errno.ENODEV || errno == Errno.ENXIO || errno == Errno.EIO
                || errno == Errno.ENETDOWN || errno == Errno.EBADF;
    }
}
