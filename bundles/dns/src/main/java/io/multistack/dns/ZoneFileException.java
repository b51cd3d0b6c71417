package io.multistack.dns;

/** A zone file the parser rejects: names the file and line, for the log. */
final class ZoneFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    ZoneFileException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem, null, false, false);
        this.file = file;
        this.line = line;
    }

    String file() {
        return file;
    }

    int line() {
        return line;
    }
}
