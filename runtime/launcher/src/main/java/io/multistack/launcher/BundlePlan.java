package io.multistack.launcher;

/**
 * Which of the assembly's bundles run in a shell mode, and at which start level.
 *
 * <p>Both Gogo shells read standard input, so exactly one is installed: gogo.jline (with
 * jline) on a terminal, otherwise gogo.shell with {@code --nointeractive}, which still
 * gives console commands its builtins (grep, echo, each...).
 *
 * <p>Start levels order the start: services first, then FileInstall, so that etc/ is read
 * once every configuration consumer and installer is in place; then the access server,
 * whose defaults would otherwise act before its etc/ file is read (it would bind
 * 0.0.0.0:4789 first and move a moment later); the interactive shell last, so its first
 * prompt sees every command.
 */
record BundlePlan(ShellMode mode) {

    static final int SERVICES = 1;
    static final int CONFIGURATION = 2;
    static final int ENDPOINTS = 3;
    static final int SHELL = 4;
    static final int BEGINNING_START_LEVEL = SHELL;

    private static final String JLINE_SHELL = "org.apache.felix.gogo.jline";
    private static final String JLINE = "org.jline";
    private static final String PLAIN_SHELL = "org.apache.felix.gogo.shell";
    private static final String FILE_INSTALL = "org.apache.felix.fileinstall";
    private static final String ACCESS = "io.multistack.access";
    /** After the OSGi log service, so it logs there (at its level) instead of to standard output. */
    private static final String CONFIGURATOR = "org.apache.felix.configurator";

    boolean installs(String symbolicName) {
        return switch (symbolicName) {
            case JLINE_SHELL, JLINE -> mode == ShellMode.INTERACTIVE;
            case PLAIN_SHELL -> mode == ShellMode.DAEMON;
            default -> true;
        };
    }

    int startLevel(String symbolicName) {
        return switch (symbolicName) {
            case FILE_INSTALL, CONFIGURATOR -> CONFIGURATION;
            case ACCESS -> ENDPOINTS;
            case JLINE_SHELL, JLINE -> SHELL;
            default -> SERVICES;
        };
    }
}
