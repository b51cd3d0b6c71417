package io.multistack.ftp;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the control connection must do after the {@link Session} handled a command. The
 * session decides; the I/O side ({@link ControlHandler}) only carries it out.
 */
sealed interface Outcome {
    /** Send a reply; after {@code delayed} (a failed login) and then close if {@code close}. */
    record Send(Reply reply, boolean delayed, boolean close) implements Outcome {
        Send(Reply reply) {
            this(reply, false, false);
        }
    }

    /** Open a passive listener and answer 227 (PASV) or 229 (EPSV). */
    record Passive(boolean extended) implements Outcome {}

    /** The next data connection goes out to this address of the client (PORT, EPRT). */
    record Active(InetSocketAddress target, Reply reply) implements Outcome {}

    /** Send bytes (a listing) over a data connection. */
    record SendListing(byte[] content, String what) implements Outcome {}

    /** Send a file from {@code offset} over a data connection. */
    record Retrieve(Path file, String virtual, long offset) implements Outcome {}

    /**
     * Receive a file over a data connection: bytes before {@code offset} are kept from the
     * existing file (REST, APPE), everything is written to a temporary and renamed into place.
     */
    record Store(Path file, String virtual, long offset) implements Outcome {}

    /** Abort the transfer in progress (ABOR). */
    record Abort() implements Outcome {}

    /** Work too slow for the event loop (password hashing); its result is the real outcome. */
    record Deferred(Supplier<Outcome> work) implements Outcome {}
}
