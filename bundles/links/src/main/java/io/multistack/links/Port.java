package io.multistack.links;

import io.multistack.links.sys.SyscallException;
import io.netty.buffer.ByteBuf;

/**
 * One open native descriptor carrying frames: what a {@link NativeLink} opens, reads, writes
 * and, when the interface is lost, throws away and opens again.
 */
interface Port extends AutoCloseable {
    /** The descriptor to poll for input. */
    int fd();

    /**
     * Reads one waiting frame into {@code buffer}'s writable space, leaving it between the
     * reader and writer index; {@code false} when nothing is waiting.
     *
     * @throws OversizeFrameException when the frame did not fit (it is consumed)
     */
    boolean receive(ByteBuf buffer) throws SyscallException;

    /** Sends the readable bytes of a direct buffer as one frame. */
    void send(ByteBuf frame) throws SyscallException;

    /** The interface MTU in force once open. */
    int mtu();

    @Override
    void close();

    /** A frame larger than the receive buffer arrived and was cut off by the kernel. */
    final class OversizeFrameException extends RuntimeException {
        OversizeFrameException(long length) {
            super("frame of " + length + " bytes does not fit the receive buffer", null, false, false);
        }
    }

    /** Opens a port; called again (with back-off) after each loss. */
    @FunctionalInterface
    interface Opener {
        Port open() throws SyscallException;
    }
}
