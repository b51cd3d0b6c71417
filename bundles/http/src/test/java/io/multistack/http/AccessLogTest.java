package io.multistack.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.BufferedWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An idle tenant's access log costs nothing; a busy one is written a second after its first line. */
class AccessLogTest {
    private final StringWriter file = new StringWriter();
    private final AtomicInteger opened = new AtomicInteger();
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final AccessLog log = new AccessLog(() -> {
        opened.incrementAndGet();
        return new BufferedWriter(file, AccessLog.BUFFER_CHARS);
    }, loop.eventLoop());

    AccessLogTest() {
        loop.freezeTime();
    }

    /** Whether a timer is scheduled on the loop (running those due now). */
    private boolean timerArmed() {
        return loop.runScheduledPendingTasks() >= 0;
    }

    private void request(String path) {
        log.log(new InetSocketAddress("192.168.1.10", 5000), "t", "GET " + path + " HTTP/1.1", 200, 1, null, null);
    }

    @Test
    void nothing_is_opened_or_scheduled_before_the_first_line() {
        assertThat(opened).hasValue(0);
        assertThat(log.isOpen()).isFalse();
        assertThat(timerArmed()).isFalse();
        log.flush();
        log.close();
        assertThat(opened).hasValue(0);
    }

    @Test
    void lines_are_written_one_second_after_the_first_of_them() {
        request("/a");
        request("/b");
        assertThat(opened).hasValue(1);
        assertThat(file.toString()).isEmpty();
        assertThat(timerArmed()).as("one flush for both lines").isTrue();

        loop.advanceTimeBy(AccessLog.FLUSH_DELAY_MILLIS - 1, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertThat(file.toString()).isEmpty();

        loop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertThat(file.toString()).contains("GET /a ", "GET /b ");
        assertThat(timerArmed()).isFalse();

        request("/c");
        loop.advanceTimeBy(AccessLog.FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertThat(file.toString()).contains("GET /c ");
        assertThat(opened).hasValue(1);
    }

    @Test
    void close_writes_what_is_buffered_and_later_lines_are_ignored() {
        request("/a");
        log.close();
        assertThat(file.toString()).contains("GET /a ");
        request("/late");
        loop.advanceTimeBy(AccessLog.FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
        assertThat(file.toString()).doesNotContain("/late");
        assertThat(log.isOpen()).isFalse();
    }
}
