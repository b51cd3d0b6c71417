package io.multistack.http;

import io.multistack.uploads.UploadWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The file a PUT writes: its bytes go to a hidden temporary in the target's own folder (so
 * the rename stays within one file system), and {@link #commit} renames the temporary over
 * the target. Until then the target is untouched: an aborted or failed upload leaves the
 * previous file or none, never a partial one. As nginx's PUT, the data is not forced to disk
 * (no fsync): the rename makes the upload visible at once and whole, not durable.
 * Writes and commit run on the upload's disk thread while an abort may come from the event
 * loop: the methods are synchronized.
 */
final class AtomicFile implements UploadWriter.Target {
    /** Temporaries start with this; a crash may leave one behind (never the target). */
    static final String TEMPORARY_PREFIX = ".http-upload-";

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean finished;

    private AtomicFile(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    static AtomicFile create(Path target) throws IOException {
        Path temporary = target.resolveSibling(TEMPORARY_PREFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new AtomicFile(target, temporary, channel);
    }

    /** Appends the buffers, in order, with gathering writes. */
    @Override
    public synchronized void write(ByteBuffer[] buffers) throws IOException {
        if (finished) {
            throw new IOException("upload already finished");
        }
        for (int first = 0; first < buffers.length; ) {
            channel.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    /** Renames the complete temporary over the target. */
    @Override
    public synchronized void commit() throws IOException {
        if (finished) {
            throw new IOException("upload already finished");
        }
        try {
            channel.close();
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException impossible) {
                throw new IOException("cannot rename atomically in " + target.getParent(), impossible);
            }
            finished = true;
        } catch (IOException | RuntimeException failed) {
            abort();
            throw failed;
        }
    }

    /** Drops the temporary; the target stays as it was. Safe to call more than once. */
    @Override
    public synchronized void abort() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the temporary is deleted anyway
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // a hidden leftover, never the target
        }
    }

    Path temporary() {
        return temporary;
    }
}
