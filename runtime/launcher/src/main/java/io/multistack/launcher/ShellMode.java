package io.multistack.launcher;

/**
 * Which Gogo front end runs: with a terminal the line-editing jline shell, otherwise
 * none that reads standard input (the appliance is a daemon, driven by the console).
 */
enum ShellMode {
    INTERACTIVE,
    DAEMON;

    static ShellMode detect() {
        var console = System.console();
        return console != null && console.isTerminal() ? INTERACTIVE : DAEMON;
    }

    /** Arguments for the Gogo shell; the plain one in daemon mode must not start a console. */
    String goshArgs() {
        return this == DAEMON ? "--nointeractive" : "";
    }
}
