package io.multistack.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled appliance as an operator runs it: a daemon process on a fresh home (no
 * terminal), driven by the launcher's {@code client}, stopped with SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonApplianceTest {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    private static Path assembly;
    private static Process appliance;

    @BeforeAll
    static void startDaemon() throws IOException {
        assembly = Path.of(System.getProperty("multistack.assembly")).toAbsolutePath().normalize();
        appliance = java("--home", home.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectErrorStream(true)
                .start();
        awaitTrue(() -> Files.exists(home.resolve("data/console.sock")) || !appliance.isAlive(), STARTUP);
        assertThat(appliance.isAlive()).as("appliance running; its output:\n%s", output()).isTrue();
    }

    @AfterAll
    static void killIfStillRunning() {
        if (appliance != null && appliance.isAlive()) {
            appliance.destroyForcibly();
        }
    }

    @Test
    @Order(1)
    void createsTheHomeFoldersAndRecordsItsPid() throws IOException {
        for (String folder : new String[] {"etc", "deploy", "data", "log"}) {
            assertThat(home.resolve(folder)).isDirectory();
        }
        assertThat(Files.readString(home.resolve("data/multistack.pid")).trim())
                .isEqualTo(Long.toString(appliance.pid()));
    }

    @Test
    @Order(2)
    void everyBundleIsActive() throws Exception {
        // The console answers from start level 1 on; the start is over when the system bundle is active.
        awaitTrue(() -> client("lb").output().contains("0|Active     |    0|System Bundle"), STARTUP);
        Result lb = client("lb");
        assertThat(lb.exitCode()).isZero();
        List<String> rows = lb.output().lines().filter(line -> line.matches("\\s*\\d+\\|.*")).toList();
        assertThat(rows).hasSizeGreaterThan(20);
        for (String row : rows) {
            // Fragments (the native epoll transport) resolve to their host and are never active.
            if (!row.contains("Native/Epoll")) {
                assertThat(row).contains("|Active");
            }
        }
        assertThat(lb.output()).contains("multistack local console", "Apache Felix File Install",
                "Apache Felix Gogo Shell").doesNotContain("JLine");
    }

    @Test
    @Order(3)
    void aFailingCommandExitsNonZero() throws Exception {
        Result result = client("nosuchcommand");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("Command not found: nosuchcommand");
    }

    @Test
    @Order(4)
    void aBundleDroppedIntoDeployIsInstalledAndRemovedHot() throws Exception {
        Path jar = home.resolve("deploy/dropin.jar");
        writeEmptyBundle(jar, "io.multistack.test.dropin");
        awaitTrue(() -> client("lb").output().contains("io.multistack.test.dropin"), Duration.ofSeconds(10));
        assertThat(client("lb | grep dropin").output()).contains("Active");

        Files.delete(jar);
        awaitTrue(() -> !client("lb").output().contains("io.multistack.test.dropin"), Duration.ofSeconds(10));
    }

    @Test
    @Order(5)
    void sigtermStopsCleanlyWithStatusZero() throws Exception {
        appliance.destroy(); // SIGTERM
        assertThat(appliance.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(appliance.exitValue()).as(output()).isZero();
        assertThat(home.resolve("data/console.sock")).doesNotExist();
        assertThat(home.resolve("data/multistack.pid")).doesNotExist();
        assertThat(Files.readString(home.resolve("log/multistack.log")))
                .contains("stopping (SIGTERM)")
                .contains("io.multistack.launcher.Appliance - stopped");

        Result afterwards = client("lb");
        assertThat(afterwards.exitCode()).isEqualTo(2);
        assertThat(afterwards.output()).contains("not running");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result client(String command) {
        try {
            Process process = java("--home", home.toString(), "client", command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The same JVM command line as bin/multistack, with this test's JDK. */
    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseTransparentHugePages", "-Dmultistack.assembly=" + assembly,
                "-cp", assembly.resolve("lib") + File.separator + "*",
                "io.multistack.launcher.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static void writeEmptyBundle(Path jar, String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        // Written aside, then moved: FileInstall must never see half a jar.
        Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(partial), manifest)) {
            out.flush();
        }
        Files.move(partial, jar);
    }

    private static String output() {
        try {
            return Files.readString(home.resolve("stdout.txt"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited %s; appliance output:\n%s", timeout, output()).isBefore(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
