package io.multistack.ftp;

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
 * One upload, durable and atomic: bytes go to a hidden temporary file in the target's own
 * folder (so the rename stays within one file system); {@link #commit} forces them to disk
 * and renames the temporary over the target. Until then the target is untouched, so an
 * aborted, failed or killed upload leaves the previous file or none, never a partial one.
 * A resumed upload (REST, APPE) starts by copying the kept prefix of the existing file.
 * Commit runs off the event loop while an ABOR may abort on it: the methods are synchronized.
 */
final class AtomicUpload implements UploadWriter.Target, AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    /** Bytes of the existing target a resumed upload keeps (REST, APPE); copied by {@link #prepare}. */
    private final long kept;
    private long written;
    private boolean finished;

    private AtomicUpload(Path target, Path temporary, FileChannel channel, long kept) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
        this.kept = kept;
    }

    /** Starts an upload that keeps the first {@code keep} bytes of the existing target. */
    static AtomicUpload begin(Path target, long keep) throws IOException {
        AtomicUpload upload = create(target, keep);
        upload.prepare();
        return upload;
    }

    /** Creates the temporary (cheap: the kept prefix is copied by {@link #prepare}, off the loop). */
    static AtomicUpload create(Path target, long keep) throws IOException {
        Path temporary = target.resolveSibling(FileArea.TEMPORARY_PREFIX
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new AtomicUpload(target, temporary, channel, keep);
    }

    /** Copies the kept prefix of the existing target (REST, APPE); blocking. */
    @Override
    public void prepare() throws IOException {
        keep(kept);
    }

    private synchronized void keep(long keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        try (FileChannel existing = FileChannel.open(target, StandardOpenOption.READ)) {
            long copied = 0;
            while (copied < keep) {
                long n = existing.transferTo(copied, keep - copied, channel);
                if (n <= 0) {
                    throw new IOException("the existing file is shorter than the restart offset");
                }
                copied += n;
            }
        } catch (IOException | RuntimeException failed) {
            abort();
            throw failed;
        }
        written = keep;
    }

    /** Appends the buffers, in order, with gathering writes. */
    @Override
    public synchronized void write(ByteBuffer[] buffers) throws IOException {
        for (int first = 0; first < buffers.length; ) {
            written += channel.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    synchronized long written() {
        return written;
    }

    /** Syncs the data and renames the temporary into place; blocking, so not on an event loop. */
    @Override
    public synchronized void commit() throws IOException {
        if (finished) {
            throw new IOException("upload already finished");
        }
        try {
            channel.force(true);
            channel.close();
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException impossible) {
                throw new IOException("cannot rename atomically in " + target.getParent(), impossible);
            }
            syncFolder(target.getParent());
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
            // a leftover temporary is invisible and removed at the next start
        }
    }

    @Override
    public void close() {
        abort();
    }

    /** Makes the rename itself durable: fsync of the folder (works on Linux). */
    private static void syncFolder(Path folder) {
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException notSupported) {
            // some file systems refuse to open folders; the data itself is synced
        }
    }

    /** Removes temporaries left by uploads a crash interrupted. */
    static int removeLeftovers(Path root) throws IOException {
        int[] removed = {0};
        try (var files = Files.walk(root)) {
            files.filter(file -> file.getFileName().toString().startsWith(FileArea.TEMPORARY_PREFIX))
                    .forEach(file -> {
                        try {
                            Files.deleteIfExists(file);
                            removed[0]++;
                        } catch (IOException ignored) {
                            // left for the next start
                        }
                    });
        }
        return removed[0];
    }
}
