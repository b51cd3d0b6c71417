package io.multistack.console;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * Runs a command in a fresh Gogo session and renders it as the Gogo shell would: what the
 * command printed, then its non-null result formatted by the session. Any exception is a
 * failure, printed as the shell prints it.
 */
final class GogoCommandRunner implements CommandRunner {

    private final CommandProcessor processor;
    private final int maxOutputBytes;

    GogoCommandRunner(CommandProcessor processor, int maxOutputBytes) {
        this.processor = processor;
        this.maxOutputBytes = maxOutputBytes;
    }

    @Override
    public Reply execute(String command) {
        BoundedOutput captured = new BoundedOutput(maxOutputBytes);
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        // No keyboard: a command that reads input sees end of stream instead of blocking.
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out)) {
            try {
                Object result = session.execute(command);
                if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                    out.println(session.format(result, Converter.INSPECT));
                }
                return new Reply(Reply.Status.OK, captured.text());
            } catch (Exception e) {
                out.println("gogo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return new Reply(Reply.Status.FAILED, captured.text());
            }
        }
    }
}
