package io.multistack.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against Gogo's real command processor, with commands registered as a bundle would. */
class GogoCommandRunnerTest {

    /** Stands in for a Gogo command service (scope "demo"). */
    public static final class DemoCommands {
        public void hello(String name) {
            System.out.println("hello " + name);
        }

        public List<String> names() {
            return List.of("A", "B");
        }

        public void fail() {
            throw new IllegalStateException("tenant A is not there");
        }

        public void chatty() {
            for (int i = 0; i < 1000; i++) {
                System.out.println("line " + i);
            }
        }
    }

    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;

    @BeforeEach
    void startGogo() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        for (String function : new String[] {"hello", "names", "fail", "chatty"}) {
            processor.addCommand("demo", new DemoCommands(), function);
        }
    }

    @AfterEach
    void stopGogo() {
        processor.stop();
        threadIO.stop();
    }

    @Test
    void whatACommandPrintsIsTheOutput() {
        Reply reply = new GogoCommandRunner(processor, 4096).execute("demo:hello world");
        assertThat(reply).isEqualTo(new Reply(Reply.Status.OK, "hello world\n"));
    }

    @Test
    void aResultIsFormattedAsTheShellWould() {
        Reply reply = new GogoCommandRunner(processor, 4096).execute("names");
        assertThat(reply.status()).isEqualTo(Reply.Status.OK);
        assertThat(reply.output()).contains("A").contains("B");
    }

    @Test
    void anUnknownCommandFails() {
        Reply reply = new GogoCommandRunner(processor, 4096).execute("nosuchcommand");
        assertThat(reply.status()).isEqualTo(Reply.Status.FAILED);
        assertThat(reply.output()).isEqualTo("gogo: CommandNotFoundException: Command not found: nosuchcommand\n");
    }

    @Test
    void anExceptionFromTheCommandFails() {
        Reply reply = new GogoCommandRunner(processor, 4096).execute("demo:fail");
        assertThat(reply.status()).isEqualTo(Reply.Status.FAILED);
        assertThat(reply.output()).contains("IllegalStateException: tenant A is not there");
    }

    @Test
    void outputBeyondTheLimitIsCutAndSaidSo() {
        Reply reply = new GogoCommandRunner(processor, 100).execute("demo:chatty");
        assertThat(reply.status()).isEqualTo(Reply.Status.OK);
        assertThat(reply.output()).startsWith("line 0\n").contains("output truncated");
    }
}
