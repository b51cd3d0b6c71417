package io.multistack.console;

import java.time.Duration;

/** The bounds that keep the console from being a way to exhaust the appliance. */
record ConsoleLimits(int maxCommandBytes, int maxOutputBytes, Duration commandTimeout, Duration requestTimeout,
        int maxConcurrentCommands) {

    ConsoleLimits {
        if (maxCommandBytes < 1 || maxOutputBytes < 1 || maxConcurrentCommands < 1
                || !commandTimeout.isPositive() || !requestTimeout.isPositive()) {
            throw new IllegalArgumentException("console limits must be positive: " + this);
        }
    }

    static ConsoleLimits from(ConsoleConfig config) {
        return new ConsoleLimits(config.maxCommandBytes(), config.maxOutputBytes(),
                Duration.ofSeconds(config.commandTimeoutSeconds()), Duration.ofSeconds(config.requestTimeoutSeconds()),
                config.maxConcurrentCommands());
    }
}
