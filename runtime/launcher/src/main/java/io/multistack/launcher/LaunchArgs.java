package io.multistack.launcher;

import java.nio.file.Path;
import java.util.Optional;

/** The parsed command line: {@code [--home DIR] [client 'COMMAND']}. */
record LaunchArgs(Path home, Optional<String> clientCommand) {

    static final String USAGE = "usage: multistack [--home DIR] [client 'COMMAND']";

    static LaunchArgs parse(String[] args, Path defaultHome) {
        Path home = defaultHome;
        Optional<String> command = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> {
                    home = Path.of(valueAfter(args, i, "--home"));
                    i++;
                }
                case "client" -> {
                    String text = valueAfter(args, i, "client");
                    if (i + 2 != args.length) {
                        throw new IllegalArgumentException("client takes exactly one argument: quote the command");
                    }
                    if (text.isBlank()) {
                        throw new IllegalArgumentException("client needs a command");
                    }
                    command = Optional.of(text);
                    i++;
                }
                case "-h", "--help" -> throw new IllegalArgumentException("help requested");
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("no home folder: pass --home DIR");
        }
        return new LaunchArgs(home.toAbsolutePath().normalize(), command);
    }

    private static String valueAfter(String[] args, int i, String option) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i + 1];
    }
}
