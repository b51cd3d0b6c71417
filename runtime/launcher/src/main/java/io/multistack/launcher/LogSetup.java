package io.multistack.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Routes java.util.logging, and so every bundle's System.Logger, to the console and to
 * {@code log/multistack.log}, one line per record.
 */
final class LogSetup {

    static final String LOG_FILE = "multistack.log";

    private LogSetup() {
    }

    /** {@code -Dmultistack.log.debug=org.jline,io.multistack.access}: those loggers log everything to the file. */
    static final String DEBUG_PROPERTY = "multistack.log.debug";

    static void configure(Path logDir) throws IOException {
        // Levels go through LogManager's configuration: it applies them to loggers created
        // later too, and keeps them (a level set on a Logger object is lost if it is collected).
        StringBuilder levels = new StringBuilder(".level=INFO\n");
        for (String name : System.getProperty(DEBUG_PROPERTY, "").split(",")) {
            if (!name.isBlank()) {
                levels.append(name.trim()).append(".level=ALL\n");
            }
        }
        LogManager.getLogManager().readConfiguration(
                new ByteArrayInputStream(levels.toString().getBytes(StandardCharsets.ISO_8859_1)));
        Logger root = Logger.getLogger("");
        OneLineFormatter format = new OneLineFormatter();

        Handler console = new ConsoleHandler();
        console.setLevel(Level.INFO);
        console.setFormatter(format);
        root.addHandler(console);

        // One file, appended to across restarts (limit 0, count 1: no rotation suffix).
        Handler file = new FileHandler(logDir.resolve(LOG_FILE).toString(), 0, 1, true);
        file.setLevel(Level.ALL);
        file.setFormatter(format);
        root.addHandler(file);
    }

    /** Flushes and closes the file before the process exits (LogManager's own hook may run too late). */
    static void close() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.close();
        }
    }
}
