package io.multistack.ftp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One reply on the control connection: a three-digit code and one or more lines of text,
 * sent as RFC 959 single- or multi-line reply.
 */
record Reply(int code, List<String> lines) {
    Reply {
        if (code < 100 || code > 599 || lines.isEmpty()) {
            throw new IllegalArgumentException("reply " + code + " " + lines);
        }
        lines = List.copyOf(lines);
    }

    static Reply of(int code, String text) {
        return new Reply(code, List.of(text));
    }

    /** A multi-line reply: first line, the lines between (indented by one space), last line. */
    static Reply multi(int code, String first, List<String> middle, String last) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        middle.forEach(line -> all.add(" " + line));
        all.add(last);
        return new Reply(code, all);
    }

    boolean positive() {
        return code < 400;
    }

    /** The reply as it goes on the wire, CRLF line ends, UTF-8. */
    byte[] encode() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\r", "").replace("\n", " ");
            boolean last = i == lines.size() - 1;
            if (i == 0 || last) {
                out.append(code).append(last ? ' ' : '-').append(line);
            } else {
                // middle lines must not look like a final line: they start with a space
                out.append(line.startsWith(" ") ? line : " " + line);
            }
            out.append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8).strip();
    }
}
