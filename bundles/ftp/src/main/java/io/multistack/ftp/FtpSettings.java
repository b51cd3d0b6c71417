package io.multistack.ftp;

import io.multistack.config.ConfigValues;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings of one tenant's FTP server, from its configuration (the keys of
 * {@code etc/io.multistack.ftp~TENANT.cfg}) over these defaults:
 *
 * <table>
 * <tr><th>key</th><th>default</th></tr>
 * <tr><td>port</td><td>21</td></tr>
 * <tr><td>pasvMin, pasvMax</td><td>50000, 50100 (passive data ports)</td></tr>
 * <tr><td>anonymous</td><td>false (read-only login as anonymous or ftp)</td></tr>
 * <tr><td>maxSessions</td><td>50 (421 beyond)</td></tr>
 * <tr><td>idleTimeoutSeconds</td><td>300 (421 and close)</td></tr>
 * <tr><td>loginDelayMillis</td><td>1000 (before answering a failed login)</td></tr>
 * <tr><td>maxLoginFailures</td><td>5 (per client address, then locked out)</td></tr>
 * <tr><td>lockoutSeconds</td><td>300</td></tr>
 * <tr><td>user.NAME</td><td>a password hash, see {@link PasswordHash}</td></tr>
 * </table>
 */
record FtpSettings(int port, int pasvMin, int pasvMax, boolean anonymous, int maxSessions, Duration idleTimeout,
        Duration loginDelay, int maxLoginFailures, Duration lockout, Map<String, String> users) {

    static final String USER_PREFIX = "user.";
    static final FtpSettings DEFAULTS = new FtpSettings(21, 50000, 50100, false, 50, Duration.ofSeconds(300),
            Duration.ofMillis(1000), 5, Duration.ofSeconds(300), Map.of());

    FtpSettings {
        require(port >= 1 && port <= 65535, "port", port);
        require(pasvMin >= 1024 && pasvMin <= 65535, "pasvMin", pasvMin);
        require(pasvMax >= pasvMin && pasvMax <= 65535, "pasvMax", pasvMax);
        require(maxSessions >= 1, "maxSessions", maxSessions);
        require(idleTimeout.isPositive(), "idleTimeoutSeconds", idleTimeout);
        require(!loginDelay.isNegative(), "loginDelayMillis", loginDelay);
        require(maxLoginFailures >= 1, "maxLoginFailures", maxLoginFailures);
        require(!lockout.isNegative(), "lockoutSeconds", lockout);
        users = Map.copyOf(users);
    }

    /**
     * Reads the settings from a configuration whose values may be strings (from a .cfg file)
     * or numbers and booleans (from ConfigurationAdmin); a missing key takes its default.
     * A user whose hash is malformed is left out (and can never log in).
     *
     * @throws IllegalArgumentException naming the key whose value is unusable
     */
    static FtpSettings from(Map<String, ?> configuration) {
        FtpSettings d = DEFAULTS;
        Map<String, String> users = new TreeMap<>();
        configuration.forEach((key, value) -> {
            if (key.startsWith(USER_PREFIX) && key.length() > USER_PREFIX.length()
                    && PasswordHash.wellFormed(String.valueOf(value).trim())) {
                users.put(key.substring(USER_PREFIX.length()), String.valueOf(value).trim());
            }
        });
        return new FtpSettings(
                ConfigValues.intOr(configuration, "port", d.port()),
                ConfigValues.intOr(configuration, "pasvMin", d.pasvMin()),
                ConfigValues.intOr(configuration, "pasvMax", d.pasvMax()),
                ConfigValues.flagOr(configuration, "anonymous", d.anonymous()),
                ConfigValues.intOr(configuration, "maxSessions", d.maxSessions()),
                Duration.ofSeconds(ConfigValues.longOr(configuration, "idleTimeoutSeconds", d.idleTimeout().toSeconds())),
                Duration.ofMillis(ConfigValues.longOr(configuration, "loginDelayMillis", d.loginDelay().toMillis())),
                ConfigValues.intOr(configuration, "maxLoginFailures", d.maxLoginFailures()),
                Duration.ofSeconds(ConfigValues.longOr(configuration, "lockoutSeconds", d.lockout().toSeconds())),
                users);
    }


    private static void require(boolean valid, String key, Object value) {
        if (!valid) {
            throw new IllegalArgumentException(key + ": out of range: " + value);
        }
    }
}
