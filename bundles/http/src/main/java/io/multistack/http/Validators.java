package io.multistack.http;

import io.netty.handler.codec.DateFormatter;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;

/**
 * A file's validators (RFC 9110 section 8.8) and the preconditions that use them: a strong
 * ETag from modification time and size (as nginx makes it) and Last-Modified in seconds.
 */
record Validators(String etag, long lastModifiedSeconds) {

    static Validators of(BasicFileAttributes attributes) {
        long seconds = attributes.lastModifiedTime().toMillis() / 1000;
        return new Validators("\"" + Long.toHexString(seconds) + "-" + Long.toHexString(attributes.size()) + "\"",
                seconds);
    }

    String lastModified() {
        return DateFormatter.format(new Date(lastModifiedSeconds * 1000));
    }

    /**
     * Whether a GET or HEAD is answered 304: If-None-Match when present (weak comparison, or
     * {@code *}), otherwise If-Modified-Since.
     */
    boolean notModified(String ifNoneMatch, String ifModifiedSince) {
        if (ifNoneMatch != null) {
            return matchesAny(ifNoneMatch);
        }
        if (ifModifiedSince != null) {
            Date since = DateFormatter.parseHttpDate(ifModifiedSince);
            return since != null && lastModifiedSeconds <= since.getTime() / 1000;
        }
        return false;
    }

    /** If-Range: the range applies only to this very representation (strong ETag or exact date). */
    boolean rangeStillValid(String ifRange) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        Date date = DateFormatter.parseHttpDate(value);
        return date != null && date.getTime() / 1000 == lastModifiedSeconds;
    }

    private boolean matchesAny(String ifNoneMatch) {
        String ours = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || opaque(tag).equals(ours)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
