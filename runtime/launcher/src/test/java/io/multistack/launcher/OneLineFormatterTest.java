package io.multistack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class OneLineFormatterTest {

    private final OneLineFormatter formatter = new OneLineFormatter();

    @Test
    void oneLineWithTimeLevelLoggerAndMessage() {
        LogRecord record = new LogRecord(Level.WARNING, "etc/{0}: bad vlan");
        record.setParameters(new Object[] {"io.multistack.tenant~A.cfg"});
        record.setLoggerName("io.multistack.flow");
        String line = formatter.format(record);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING io\\.multistack\\.flow - "
                + "etc/io\\.multistack\\.tenant~A\\.cfg: bad vlan" + System.lineSeparator());
    }

    @Test
    void stackTraceFollowsTheLine() {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setLoggerName("x");
        record.setThrown(new IllegalStateException("boom"));
        assertThat(formatter.format(record)).contains("SEVERE  x - failed")
                .contains("java.lang.IllegalStateException: boom")
                .contains("\tat ");
    }
}
