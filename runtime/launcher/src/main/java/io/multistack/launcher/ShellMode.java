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
    /** Started late so that io.multistack.etc's installer for FACTORYPID~NAME.cfg is there before the first scan. */
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    /** Everything starts at level 1; FileInstall and the interactive shell wait for level 2 (see below). */
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
            case JLINE_SHELL, JLINE, FILEINSTALL -> BEGINNING_START_LEVEL;
            default -> 1;
        };
    }

    /** Arguments for the Gogo shell; only the plain one in daemon mode needs any. */
    String goshArgs() {
        return this == DAEMON ? "--nointeractive" : "";
    }
}
