package io.multistack.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The writer with a disk the test runs by hand and a file that records what reaches it. */
class UploadWriterTest {
    private static final int SEGMENT = 1398;

    private final ManualExecutor disk = new ManualExecutor();
    private final ManualExecutor loop = new ManualExecutor();
    private final RecordingFile file = new RecordingFile();
    private final List<String> reading = new ArrayList<>();
    private final UploadWriter writer = new UploadWriter(file, disk, loop, new UploadWriter.Reading() {
        @Override
        public void pause() {
            reading.add("pause");
        }

        @Override
        public void resume() {
            reading.add("resume");
        }
    });

    @Test
    void segments_reach_the_file_in_gathered_runs_in_order() {
        byte[] body = random(2 * (int) UploadWriter.BATCH_BYTES + 5000);
        List<ByteBuf> pieces = send(body, body.length);
        AtomicReference<IOException> outcome = finish();

        assertThat(file.calls).containsExactly("prepare", "write", "write", "write", "commit");
        assertThat(file.writeSizes.get(0)).isGreaterThanOrEqualTo(UploadWriter.BATCH_BYTES)
                .isLessThan(UploadWriter.BATCH_BYTES + SEGMENT);
        assertThat(file.bytes.toByteArray()).isEqualTo(body);
        assertThat(outcome.get()).isNull();
        assertThat(pieces).allSatisfy(piece -> assertThat(piece.refCnt()).isZero());
        assertThat(reading).isEmpty();
    }

    @Test
    void reading_pauses_above_the_high_mark_and_resumes_once_the_disk_drained() {
        byte[] body = random((int) UploadWriter.HIGH_WATER + 2 * SEGMENT);
        send(body, body.length);
        assertThat(reading).containsExactly("pause");

        disk.runAll();
        loop.runAll();
        assertThat(reading).containsExactly("pause", "resume");
        assertThat(file.bytes.size()).as("nothing left gathered while paused").isEqualTo(body.length);
    }

    @Test
    void a_failed_write_is_reported_at_the_end_and_nothing_is_committed() {
        file.failWrites = true;
        send(random(3 * SEGMENT), 3 * SEGMENT);
        AtomicReference<IOException> outcome = finish();

        assertThat(outcome.get()).hasMessage("disk full");
        assertThat(file.calls).doesNotContain("commit").contains("abort");
    }

    @Test
    void an_abort_releases_what_waits_and_drops_the_file() {
        List<ByteBuf> pieces = send(random(10 * SEGMENT), 10 * SEGMENT);
        writer.abort();
        disk.runAll();

        assertThat(pieces).allSatisfy(piece -> assertThat(piece.refCnt()).isZero());
        assertThat(file.calls).contains("abort").doesNotContain("write", "commit");
        ByteBuf late = Unpooled.copiedBuffer(new byte[10]);
        writer.write(late);
        assertThat(late.refCnt()).as("released at once after an abort").isZero();
    }

    private List<ByteBuf> send(byte[] body, int length) {
        List<ByteBuf> pieces = new ArrayList<>();
        for (int at = 0; at < length; at += SEGMENT) {
            ByteBuf piece = Unpooled.directBuffer(SEGMENT).writeBytes(body, at, Math.min(SEGMENT, length - at));
            pieces.add(piece);
            writer.write(piece);
        }
        return pieces;
    }

    private AtomicReference<IOException> finish() {
        AtomicReference<IOException> outcome = new AtomicReference<>(new IOException("not finished"));
        writer.finish(outcome::set);
        disk.runAll();
        loop.runAll();
        return outcome;
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static final class RecordingFile implements UploadWriter.Target {
        final List<String> calls = new ArrayList<>();
        final List<Long> writeSizes = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean failWrites;

        @Override
        public void prepare() {
            calls.add("prepare");
        }

        @Override
        public void write(ByteBuffer[] buffers) throws IOException {
            calls.add("write");
            if (failWrites) {
                throw new IOException("disk full");
            }
            long size = 0;
            for (ByteBuffer buffer : buffers) {
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk);
                size += chunk.length;
            }
            writeSizes.add(size);
        }

        @Override
        public void commit() {
            calls.add("commit");
        }

        @Override
        public void abort() {
            calls.add("abort");
        }
    }

    /** Runs tasks only when the test says so, in order. */
    static final class ManualExecutor extends AbstractExecutorService {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean shutdown;

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && tasks.isEmpty();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return isTerminated();
        }
    }
}
