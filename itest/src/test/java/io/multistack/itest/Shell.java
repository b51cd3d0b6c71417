package io.multistack.itest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** Runs Gogo commands as an operator types them, and returns what the console would show. */
public final class Shell {
    private final CommandProcessor processor;

    public Shell(CommandProcessor processor) {
        this.processor = processor;
    }

    /** The text printed by {@code command} plus its formatted result; throws what the command throws. */
    public String run(String command) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
            try {
                Object result = session.execute(command);
                out.flush();
                String shown = printed.toString(StandardCharsets.UTF_8);
                return result == null ? shown : shown + session.format(result, Converter.INSPECT);
            } finally {
                session.close();
            }
        }
    }

    /**
     * The lines of {@code output} that hold every one of {@code words} as a word of its own
     * (separated by blanks or table punctuation), so that "60" never matches "600".
     */
    public static List<String> linesWithWords(String output, String... words) {
        return output.lines()
                .filter(line -> Arrays.asList(line.trim().split("[\\s|,;]+")).containsAll(List.of(words)))
                .toList();
    }
}
