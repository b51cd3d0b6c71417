package io.multistack.logbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

class OsgiLogBridgeTest {
    @Test
    void warningsAndErrorsAreForwardedChatterIsNot() {
        assertThat(OsgiLogBridge.forwarded(entry(LogLevel.AUDIT))).isTrue();
        assertThat(OsgiLogBridge.forwarded(entry(LogLevel.ERROR))).isTrue();
        assertThat(OsgiLogBridge.forwarded(entry(LogLevel.WARN))).isTrue();
        assertThat(OsgiLogBridge.forwarded(entry(LogLevel.INFO))).isFalse();
        assertThat(OsgiLogBridge.forwarded(entry(LogLevel.DEBUG))).isFalse();
    }

    @Test
    void levelsMapOntoTheSystemLogger() {
        assertThat(OsgiLogBridge.level(entry(LogLevel.ERROR))).isEqualTo(Level.ERROR);
        assertThat(OsgiLogBridge.level(entry(LogLevel.WARN))).isEqualTo(Level.WARNING);
        assertThat(OsgiLogBridge.level(entry(LogLevel.TRACE))).isEqualTo(Level.TRACE);
    }

    @Test
    void entriesWithoutABundleGetAGenericName() {
        assertThat(OsgiLogBridge.loggerName(entry(LogLevel.WARN))).isEqualTo("osgi");
    }

    private static LogEntry entry(LogLevel level) {
        return new LogEntry() {
            @Override
            public Bundle getBundle() {
                return null;
            }

            @Override
            public ServiceReference<?> getServiceReference() {
                return null;
            }

            @Override
            @SuppressWarnings("deprecation")
            public int getLevel() {
                return level.ordinal();
            }

            @Override
            public String getMessage() {
                return "message";
            }

            @Override
            public Throwable getException() {
                return null;
            }

            @Override
            public long getTime() {
                return 0;
            }

            @Override
            public LogLevel getLogLevel() {
                return level;
            }

            @Override
            public String getLoggerName() {
                return "test";
            }

            @Override
            public long getSequence() {
                return 0;
            }

            @Override
            public String getThreadInfo() {
                return "main";
            }

            @Override
            public StackTraceElement getLocation() {
                return null;
            }
        };
    }
}
