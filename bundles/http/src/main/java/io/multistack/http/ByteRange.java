package io.multistack.http;

/**
 * A single byte range of a representation (RFC 9110 section 14): what a Range header asks
 * for, resolved against the file's length. Multiple ranges are not served (the whole file
 * is, which RFC 9110 allows).
 */
record ByteRange(long first, long last) {

    long length() {
        return last - first + 1;
    }

    String contentRange(long total) {
        return "bytes " + first + "-" + last + "/" + total;
    }

    /** What a Range header means for a file of a given length. */
    sealed interface Request permits Whole, Part, Unsatisfiable {}

    /** No usable Range header (absent, malformed, another unit, several ranges): send it all. */
    record Whole() implements Request {}

    record Part(ByteRange range) implements Request {}

    /** A syntactically valid range that lies beyond the file: 416. */
    record Unsatisfiable() implements Request {}

    static Request parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = value.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        try {
            if (from.isEmpty()) { // suffix: the last N bytes
                long suffix = digits(to);
                if (suffix == 0 || length == 0) {
                    return new Unsatisfiable();
                }
                return new Part(new ByteRange(Math.max(0, length - suffix), length - 1));
            }
            long first = digits(from);
            long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
            if (last < first) {
                return new Whole(); // invalid range-spec: ignore the header
            }
            if (first >= length) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(first, Math.min(last, length - 1)));
        } catch (NumberFormatException e) {
            return new Whole();
        }
    }

    private static long digits(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(text);
        }
        return Long.parseLong(text);
    }
}
