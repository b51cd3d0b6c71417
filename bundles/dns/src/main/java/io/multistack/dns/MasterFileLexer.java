package io.multistack.dns;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an RFC 1035 master file (section 5.1) into entries: one logical line each, with
 * parentheses joining physical lines, {@code ;} comments removed and quoted strings kept
 * whole. An entry remembers whether its line began with blank space (owner omitted).
 */
final class MasterFileLexer {
    /** A word or a quoted string; {@code bytes} has escapes ({@code \"}, {@code \DDD}) resolved. */
    record Token(String text, byte[] bytes, boolean quoted, int line) {}

    record Entry(int line, boolean ownerOmitted, List<Token> tokens) {}

    private final String file;
    private final String text;
    private int position;
    private int line = 1;

    private MasterFileLexer(String file, String text) {
        this.file = file;
        this.text = text;
    }

    static List<Entry> entries(String file, String text) throws ZoneFileException {
        return new MasterFileLexer(file, text).entries();
    }

    private List<Entry> entries() throws ZoneFileException {
        List<Entry> entries = new ArrayList<>();
        List<Token> tokens = new ArrayList<>();
        boolean lineStart = true;
        boolean ownerOmitted = false;
        int entryLine = 1;
        int openedAt = 0; // line of the open '(' or 0
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '\n') {
                position++;
                if (openedAt == 0) {
                    finish(entries, tokens, entryLine, ownerOmitted);
                    tokens = new ArrayList<>();
                    lineStart = true;
                }
                line++;
                continue;
            }
            if (lineStart) {
                lineStart = false;
                ownerOmitted = c == ' ' || c == '\t';
                entryLine = line;
            }
            if (c == ' ' || c == '\t' || c == '\r') {
                position++;
            } else if (c == ';') {
                while (position < text.length() && text.charAt(position) != '\n') {
                    position++;
                }
            } else if (c == '(') {
                if (openedAt != 0) {
                    throw error("nested '(' (the one at line " + openedAt + " is still open)");
                }
                openedAt = line;
                position++;
            } else if (c == ')') {
                if (openedAt == 0) {
                    throw error("unbalanced parentheses: ')' without '('");
                }
                openedAt = 0;
                position++;
            } else if (c == '"') {
                tokens.add(quoted());
            } else {
                tokens.add(word());
            }
        }
        if (openedAt != 0) {
            throw new ZoneFileException(file, openedAt, "unbalanced parentheses: '(' is never closed");
        }
        finish(entries, tokens, entryLine, ownerOmitted);
        return entries;
    }

    private static void finish(List<Entry> entries, List<Token> tokens, int line, boolean ownerOmitted) {
        if (!tokens.isEmpty()) {
            entries.add(new Entry(line, ownerOmitted, List.copyOf(tokens)));
        }
    }

    private Token word() throws ZoneFileException {
        int start = position;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (position < text.length() && " \t\r\n;()\"".indexOf(text.charAt(position)) < 0) {
            readCharacter(bytes);
        }
        return new Token(text.substring(start, position), bytes.toByteArray(), false, line);
    }

    private Token quoted() throws ZoneFileException {
        int startLine = line;
        position++; // opening quote
        int start = position;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            if (position >= text.length() || text.charAt(position) == '\n') {
                throw new ZoneFileException(file, startLine, "unterminated quoted string");
            }
            if (text.charAt(position) == '"') {
                String raw = text.substring(start, position);
                position++;
                return new Token(raw, bytes.toByteArray(), true, startLine);
            }
            readCharacter(bytes);
        }
    }

    /** One character or escape sequence ({@code \X} or {@code \DDD}, RFC 1035 5.1). */
    private void readCharacter(ByteArrayOutputStream bytes) throws ZoneFileException {
        char c = text.charAt(position++);
        if (c != '\\') {
            if (c > 0x7E || c < 0x20 && c != '\t') {
                throw error("character U+" + String.format("%04X", (int) c) + " not allowed (use \\DDD)");
            }
            bytes.write(c);
            return;
        }
        if (position >= text.length() || text.charAt(position) == '\n') {
            throw error("'\\' at the end of a line");
        }
        if (Character.isDigit(text.charAt(position))) {
            if (position + 3 > text.length() || !text.substring(position, position + 3).chars().allMatch(Character::isDigit)) {
                throw error("bad escape: '\\' followed by digits must be \\DDD");
            }
            int value = Integer.parseInt(text.substring(position, position + 3));
            if (value > 255) {
                throw error("bad escape \\" + value + ": above 255");
            }
            bytes.write(value);
            position += 3;
        } else {
            bytes.write(text.charAt(position++));
        }
    }

    private ZoneFileException error(String problem) {
        return new ZoneFileException(file, line, problem);
    }
}
