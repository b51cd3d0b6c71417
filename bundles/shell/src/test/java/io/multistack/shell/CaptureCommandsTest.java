package io.multistack.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.stack.Capture;
import io.multistack.api.stack.FaultSettings;
import io.multistack.api.stack.StackStatistics;
import io.multistack.api.stack.TenantStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The commands as Gogo calls them (argument coercion, options, overloads), against a stand-in stack. */
class CaptureCommandsTest {
    private final List<FaultSettings> faultsApplied = new ArrayList<>();
    private final List<String> capturesStarted = new ArrayList<>();
    private final Map<String, Long> statistics = new HashMap<>();
    private boolean captureClosed;
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final CommandSession session;

    CaptureCommandsTest() {
        Tenants tenants = new Tenants();
        tenants.addStack(stack("A"));
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        CaptureCommands commands = new CaptureCommands(tenants);
        processor.addCommand("net", commands, "capture");
        processor.addCommand("net", commands, "faults");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
    }

    @AfterEach
    void stop() {
        session.close();
        threadIo.stop();
    }

    private String run(String command) throws Exception {
        return String.valueOf(session.execute(command));
    }

    @Test
    void setsFaultsByNameWithTheRestAtZero() throws Exception {
        String output = run("net:faults A drop=0.05 delay=20 seed=9");

        assertThat(faultsApplied).containsExactly(new FaultSettings(0.05, 0, 0, 0, 20, 9));
        assertThat(output).startsWith("faults on tenant A: drop=0.05 duplicate=0 reorder=0 corrupt=0 delay=20 seed=9")
                .contains("(the stack reports no fault counters)");
    }

    @Test
    void showsTheSettingsWithTheStacksCounters() throws Exception {
        run("net:faults A reorder=0.5");
        statistics.put("faults.in.reordered", 12L);
        statistics.put("faults.out.reordered", 3L);

        String output = run("net:faults A");

        assertThat(output).isEqualTo("""
                faults on tenant A: drop=0 duplicate=0 reorder=0.5 corrupt=0 delay=0 seed=1
                DIRECTION  DROPPED  DUPLICATED  REORDERED  CORRUPTED  DELAYED
                in         0        0           12         0          0
                out        0        0           3          0          0
                """);
    }

    @Test
    void offClearsThemAndShowsWhatTheyDid() throws Exception {
        run("net:faults A drop=1");
        statistics.put("faults.in.dropped", 4L);

        String output = run("net:faults A off");

        assertThat(faultsApplied).last().isEqualTo(FaultSettings.NONE);
        assertThat(output).startsWith("faults off on tenant A; until now:\nfaults on tenant A: drop=1 ")
                .contains("in         4");
        assertThat(run("net:faults A")).isEqualTo("no faults on tenant A\n");
    }

    @Test
    void rejectsWhatIsNotASetting() {
        assertThatThrownBy(() -> run("net:faults A loss=0.1")).hasMessageContaining("'loss=0.1' is not a fault setting");
        assertThatThrownBy(() -> run("net:faults A drop=lots")).hasMessageContaining("'lots' is not a number");
        assertThatThrownBy(() -> run("net:faults A drop=2")).hasMessageContaining("outside 0..1");
        assertThatThrownBy(() -> run("net:faults B drop=0.1")).hasMessageContaining("no tenant named 'B'");
        assertThat(faultsApplied).isEmpty();
    }

    @Test
    void captureWaitsForItsDurationThenReportsTheFrames() throws Exception {
        long started = System.nanoTime();

        String output = run("net:capture A /tmp/a.pcap 1");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(capturesStarted).containsExactly("/tmp/a.pcap for PT1S");
        assertThat(captureClosed).isTrue();
        assertThat(output).isEqualTo("7 frames of tenant A written to /tmp/a.pcap\n");
    }

    @Test
    void captureInTheBackgroundReturnsAtOnceWithTheDefaultDuration() throws Exception {
        String output = run("net:capture -b A /tmp/b.pcap");

        assertThat(capturesStarted).containsExactly("/tmp/b.pcap for PT10S");
        assertThat(captureClosed).isFalse();
        assertThat(output).isEqualTo("capturing tenant A into /tmp/b.pcap for 10 s\n");
        assertThatThrownBy(() -> run("net:capture A /tmp/c.pcap 0")).hasMessageContaining("outside 1..3600");
    }

    /** A tenant stack that records what the commands ask of it. */
    private TenantStack stack(String name) {
        return (TenantStack) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {TenantStack.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> name;
                    case "faults" -> faultsApplied.add((FaultSettings) args[0]);
                    case "faultSettings" -> faultsApplied.isEmpty() ? FaultSettings.NONE
                            : faultsApplied.get(faultsApplied.size() - 1);
                    case "statistics" -> new StackStatistics("up", 0, 0, 0, 0, statistics);
                    case "capture" -> {
                        capturesStarted.add((Path) args[0] + " for " + args[1]);
                        yield capture();
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "stack " + name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Capture capture() {
        return new Capture() {
            @Override
            public long frames() {
                return 7;
            }

            @Override
            public void close() {
                captureClosed = true;
            }
        };
    }
}
