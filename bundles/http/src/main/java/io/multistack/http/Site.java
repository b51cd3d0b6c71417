package io.multistack.http;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/**
 * What every connection of one tenant's HTTP server shares: the files, the settings in
 * force when the connection was accepted, and the access log.
 */
record Site(StaticRoot root, HttpSettings settings, AccessLog accessLog) {
    static final String SERVER = "multistack";

    /** The Date header value; computed per response (cheap next to the file system calls). */
    static String now() {
        return DateFormatter.format(new Date());
    }
}
