package io.multistack.launcher;

import java.util.logging.Level;

/** Sends the Felix framework's own messages (resolve failures, bundle errors) to java.util.logging. */
final class FelixLogBridge extends org.apache.felix.framework.Logger {

    private final java.util.logging.Logger target = java.util.logging.Logger.getLogger("org.apache.felix.framework");

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        target.log(toJul(level), msg, throwable);
    }

    private static Level toJul(int felixLevel) {
        return switch (felixLevel) {
            case LOG_ERROR -> Level.SEVERE;
            case LOG_WARNING -> Level.WARNING;
            case LOG_INFO -> Level.INFO;
            default -> Level.FINE;
        };
    }
}
