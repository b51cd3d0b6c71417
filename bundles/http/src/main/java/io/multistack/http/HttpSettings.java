package io.multistack.http;

import io.multistack.config.ConfigValues;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of one tenant's HTTP server, from its configuration (the keys of
 * {@code etc/io.multistack.http~TENANT.cfg}) over these defaults:
 *
 * <table>
 * <tr><th>key</th><th>default</th></tr>
 * <tr><td>port</td><td>80</td></tr>
 * <tr><td>maxConnections</td><td>1000</td></tr>
 * <tr><td>headerTimeoutSeconds</td><td>10</td></tr>
 * <tr><td>idleTimeoutSeconds</td><td>60</td></tr>
 * <tr><td>maxHeaderBytes</td><td>8192</td></tr>
 * <tr><td>maxRequestLineBytes</td><td>4096</td></tr>
 * <tr><td>maxBodyBytes</td><td>1048576</td></tr>
 * <tr><td>listing</td><td>false</td></tr>
 * <tr><td>upload</td><td>false (PUT refused with 403)</td></tr>
 * <tr><td>uploadMaxBytes</td><td>1073741824 (0: no limit)</td></tr>
 * </table>
 */
record HttpSettings(int port, int maxConnections, Duration headerTimeout, Duration idleTimeout, int maxHeaderBytes,
        int maxRequestLineBytes, long maxBodyBytes, boolean listing, boolean upload, long uploadMaxBytes) {

    static final long UPLOAD_MAX_BYTES = 1L << 30;
    static final HttpSettings DEFAULTS = new HttpSettings(80, 1000, Duration.ofSeconds(10), Duration.ofSeconds(60),
            8192, 4096, 1 << 20, false);

    /** Without uploads (PUT refused). */
    HttpSettings(int port, int maxConnections, Duration headerTimeout, Duration idleTimeout, int maxHeaderBytes,
            int maxRequestLineBytes, long maxBodyBytes, boolean listing) {
        this(port, maxConnections, headerTimeout, idleTimeout, maxHeaderBytes, maxRequestLineBytes, maxBodyBytes,
                listing, false, UPLOAD_MAX_BYTES);
    }

    HttpSettings {
        require(port >= 1 && port <= 65535, "port", port);
        require(maxConnections >= 1, "maxConnections", maxConnections);
        require(headerTimeout.isPositive(), "headerTimeoutSeconds", headerTimeout);
        require(idleTimeout.isPositive(), "idleTimeoutSeconds", idleTimeout);
        require(maxHeaderBytes >= 256, "maxHeaderBytes", maxHeaderBytes);
        require(maxRequestLineBytes >= 64, "maxRequestLineBytes", maxRequestLineBytes);
        require(maxBodyBytes >= 0, "maxBodyBytes", maxBodyBytes);
        require(uploadMaxBytes >= 0, "uploadMaxBytes", uploadMaxBytes);
    }

    /**
     * Reads the settings from a configuration whose values may be strings (from a .cfg file)
     * or numbers and booleans (from ConfigurationAdmin); a missing key takes its default.
     *
     * @throws IllegalArgumentException naming the key whose value is unusable
     */
    static HttpSettings from(Map<String, ?> configuration) {
        HttpSettings d = DEFAULTS;
        return new HttpSettings(
                ConfigValues.intOr(configuration, "port", d.port()),
                ConfigValues.intOr(configuration, "maxConnections", d.maxConnections()),
                Duration.ofSeconds(
                        ConfigValues.longOr(configuration, "headerTimeoutSeconds", d.headerTimeout().toSeconds())),
                Duration.ofSeconds(
                        ConfigValues.longOr(configuration, "idleTimeoutSeconds", d.idleTimeout().toSeconds())),
                ConfigValues.intOr(configuration, "maxHeaderBytes", d.maxHeaderBytes()),
                ConfigValues.intOr(configuration, "maxRequestLineBytes", d.maxRequestLineBytes()),
                ConfigValues.longOr(configuration, "maxBodyBytes", d.maxBodyBytes()),
                ConfigValues.flagOr(configuration, "listing", d.listing()),
                ConfigValues.flagOr(configuration, "upload", d.upload()),
                ConfigValues.longOr(configuration, "uploadMaxBytes", d.uploadMaxBytes()));
    }


    private static void require(boolean valid, String key, Object value) {
        if (!valid) {
            throw new IllegalArgumentException(key + ": out of range: " + value);
        }
    }
}
