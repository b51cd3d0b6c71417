package io.multistack.logbridge;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Copies warnings and errors of the OSGi log service (where SCR, ConfigurationAdmin and the
 * Configurator write) into the appliance's own log, under the writer's bundle name. Lower
 * levels, and the log service's own record of framework events, stay out: they are
 * start-up chatter an operator does not need on the console.
 */
@Component(immediate = true, service = {})
public final class OsgiLogBridge implements LogListener {
    private final LogReaderService reader;

    @Activate
    public OsgiLogBridge(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (!forwarded(entry)) {
            return;
        }
        Logger logger = System.getLogger(loggerName(entry));
        Level level = level(entry);
        if (!logger.isLoggable(level)) {
            return;
        }
        if (entry.getException() != null) {
            logger.log(level, entry.getMessage(), entry.getException());
        } else {
            logger.log(level, entry.getMessage());
        }
    }

    static boolean forwarded(LogEntry entry) {
        return org.osgi.service.log.LogLevel.WARN.implies(entry.getLogLevel());
    }

    static String loggerName(LogEntry entry) {
        return entry.getBundle() == null ? "osgi" : entry.getBundle().getSymbolicName();
    }

    static Level level(LogEntry entry) {
        return switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> Level.ERROR;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.DEBUG;
            case TRACE -> Level.TRACE;
        };
    }
}
