package io.multistack.ftp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns one control-connection line (without its line end) into a {@link Command}. Telnet
 * IAC sequences (clients send IP and Synch before ABOR) are dropped; names are UTF-8
 * (RFC 2640). Anything else malformed is a {@link Malformed} for a 500 or 501 reply.
 */
final class CommandParser {
    /** Longest line accepted; longer ones are cut off by the frame decoder and answered 500. */
    static final int MAX_LINE = 4096;
    private static final int IAC = 0xFF;

    private CommandParser() {}

    static Command parse(byte[] line) throws Malformed {
        byte[] clean = withoutTelnet(line);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(clean)).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new Malformed(501, "Syntax error: the line is not UTF-8.");
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.indexOf('\0') >= 0 || text.indexOf('\r') >= 0) {
            throw new Malformed(501, "Syntax error: control characters in the line.");
        }
        int space = text.indexOf(' ');
        String verb = space < 0 ? text : text.substring(0, space);
        String argument = space < 0 ? "" : text.substring(space + 1);
        if (verb.isEmpty() || verb.length() > 4 || !verb.chars().allMatch(c -> c < 128 && Character.isLetter(c))) {
            throw new Malformed(500, "Syntax error, command unrecognized.");
        }
        return new Command(verb.toUpperCase(Locale.ROOT), argument);
    }

    /** Drops IAC commands (IAC x) and keeps an escaped 0xFF (IAC IAC) as one byte. */
    private static byte[] withoutTelnet(byte[] line) {
        byte[] out = new byte[line.length];
        int n = 0;
        for (int i = 0; i < line.length; i++) {
            int b = line[i] & 0xFF;
            if (b == IAC && i + 1 < line.length) {
                i++;
                if ((line[i] & 0xFF) == IAC) {
                    out[n++] = (byte) IAC;
                }
                continue;
            }
            if (b == IAC) {
                continue;
            }
            // Telnet Data Mark of a Synch arrives as the byte after IAC, already dropped above.
            out[n++] = (byte) b;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** A line that is not a command; carries the reply to give. */
    static final class Malformed extends Exception {
        private final int code;

        Malformed(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        Reply reply() {
            return Reply.of(code, getMessage());
        }
    }
}
