package io.multistack.launcher;

/**
 * Which Gogo front end runs. Both shells read standard input, so exactly one is installed:
 * with a terminal the line-editing jline shell, otherwise the plain shell told not to be
 * interactive (it still contributes builtins such as grep and echo to console commands).
 */
enum ShellMode {
    INTERACTIVE,
    DAEMON;

    private static final String JLINE_SHELL = "org.apache.felix.gogo.jline";
    private static final String JLINE = "org.jline";
    private static final String PLAIN_SHELL = "org.apache.felix.gogo.shell";

    /** Everything starts at level 1; the interactive shell waits for level 2 so its first prompt sees every command. */
    static final int BEGINNING_START_LEVEL = 2;

    static ShellMode detect() {
        var console = System.console();
        return console != null && console.isTerminal() ? INTERACTIVE : DAEMON;
    }

    boolean installs(String symbolicName) {
        return switch (symbolicName) {
            case JLINE_SHELL, JLINE -> this == INTERACTIVE;
            case PLAIN_SHELL -> this == DAEMON;
            default -> true;
        };
    }

    int startLevel(String symbolicName) {
        return switch (symbolicName) {
            case JLINE_SHELL, JLINE -> BEGINNING_START_LEVEL;
            default -> 1;
        };
    }

    /** Arguments for the Gogo shell; only the plain one in daemon mode needs any. */
    String goshArgs() {
        return this == DAEMON ? "--nointeractive" : "";
    }
}
