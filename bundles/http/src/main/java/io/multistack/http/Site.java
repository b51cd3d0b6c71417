package io.multistack.http;

/**
 * What every connection of one tenant's HTTP server shares: the files, the settings in
 * force when the connection was accepted, the access log and the clock both write with.
 */
record Site(StaticRoot root, HttpSettings settings, AccessLog accessLog, Timestamps timestamps) {
    static final String SERVER = "multistack";

    /** The same site with other settings. */
    Site with(HttpSettings next) {
        return new Site(root, next, accessLog, timestamps);
    }
}
