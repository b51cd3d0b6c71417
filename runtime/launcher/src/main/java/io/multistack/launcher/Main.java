package io.multistack.launcher;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Entry point of {@code bin/multistack}: runs the appliance on a home folder, or, with
 * {@code client 'COMMAND'}, runs one shell command in the appliance already running there.
 */
public final class Main {

    /** Set by bin/multistack: the home used when no {@code --home} is given. */
    static final String DEFAULT_HOME_PROPERTY = "multistack.default.home";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        LaunchArgs launch;
        try {
            launch = LaunchArgs.parse(args, defaultHome());
        } catch (IllegalArgumentException e) {
            err.println("multistack: " + e.getMessage());
            err.println(LaunchArgs.USAGE);
            return ExitCodes.USAGE;
        }
        Home home = new Home(launch.home());
        if (launch.clientCommand().isPresent()) {
            return new ConsoleClient(home.consoleSocket(), ShellMode.detect() == ShellMode.INTERACTIVE).run(launch.clientCommand().get(), out, err);
        }
        return new Appliance(home, Assembly.locate()).run(err);
    }

    private static Path defaultHome() {
        String configured = System.getProperty(DEFAULT_HOME_PROPERTY);
        return configured == null ? null : Path.of(configured);
    }
}
