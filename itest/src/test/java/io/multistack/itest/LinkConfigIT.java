package io.multistack.itest;

import static io.multistack.itest.Configurations.VXLAN_ENDPOINT;
import static io.multistack.itest.Configurations.endpoint;
import static io.multistack.itest.Shell.linesWithWords;
import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.link.Link;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.AssumptionViolatedException;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.Description;
import org.junit.runner.RunWith;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunNotifier;
import org.junit.runners.model.InitializationError;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Real links from configuration ({@code etc/io.multistack.link~NAME.cfg} as ConfigurationAdmin
 * sees it): a TAP link creates its interface and takes it away with its configuration; a
 * packet link on a missing interface is registered {@code down}, names the errno and comes
 * up once the interface appears; a bad configuration registers nothing.
 *
 * <p>Creating a TAP or a packet socket needs root (CAP_NET_ADMIN, CAP_NET_RAW): without it
 * the class is reported as skipped. "No permission" cannot be produced here, since the
 * framework runs in the root test JVM; e2e/tests/95-links.sh starts an unprivileged
 * appliance for that. Interfaces are named {@code msit*}, live in the root namespace without
 * any address, and are deleted after each test.
 */
@RunWith(LinkConfigIT.AsRoot.class)
@ExamReactorStrategy(PerMethod.class)
public class LinkConfigIT {
    private static final String LINK = "io.multistack.link";
    /** What the operator contract promises for every configuration change. */
    private static final Duration APPLIED = Duration.ofSeconds(3);
    /** The link retries with back-off doubling from 0.1 s up to 5 s. */
    private static final Duration RETRIED = Duration.ofSeconds(12);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor commandProcessor;

    private Configurations configurations;
    private final List<String> linkNames = new ArrayList<>();
    private final List<String> interfaces = new ArrayList<>();
    /** Unique per test JVM, so that two builds on one machine never share an interface name. */
    private final String tag = Long.toHexString(ProcessHandle.current().pid() & 0xffff);

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void vxlanEndpointOnAFreeLoopbackPort() throws Exception {
        configurations = new Configurations(configurationAdmin);
        // Keeps the access server off the default 0.0.0.0:4789, which may be someone's appliance.
        configurations.put(VXLAN_ENDPOINT, endpoint("127.0.0.1:" + FreePort.udp()));
    }

    @After
    public void removeLinksAndInterfaces() throws Exception {
        for (String name : linkNames) {
            configurations.delete(LINK, name);
        }
        for (String name : interfaces) {
            Interfaces.deleteQuietly(name);
        }
    }

    @Test
    public void aTapLinkComesUpWithItsInterfaceAndTakesItAwayWhenDeleted() throws Exception {
        String ifname = interfaceName("t");
        putLink("msitTap", Map.of("type", "tap", "interface", ifname, "mtu", "1400"));

        ServiceReference<Link> reference = awaitLink("msitTap");
        assertThat(reference.getProperty(Link.TYPE)).isEqualTo("tap");
        Link link = context.getService(reference);
        Eventually.within(APPLIED, () -> {
            assertThat(link.state()).as("state of link msitTap").isEqualTo("up");
            assertThat(Interfaces.exists(ifname)).as("interface %s exists", ifname).isTrue();
        });
        assertThat(link.name()).isEqualTo("msitTap");
        assertThat(link.mtu()).isEqualTo(1400);
        assertThat(Interfaces.mtu(ifname)).as("MTU of %s set by the link", ifname).isEqualTo(1400);
        assertThat(linesWithWords(shell().run("link:list"), "msitTap", "tap", ifname, "up")).hasSize(1);

        configurations.delete(LINK, "msitTap");

        Eventually.within(APPLIED, () -> {
            assertThat(linkReferences("msitTap")).as("Link services named msitTap").isEmpty();
            assertThat(Interfaces.exists(ifname)).as("interface %s still exists", ifname).isFalse();
        });
    }

    @Test
    public void aPacketLinkOnAMissingInterfaceIsDownWithENODEVUntilTheInterfaceAppears() throws Exception {
        String ifname = interfaceName("p");
        String peer = interfaceName("q");
        assertThat(Interfaces.exists(ifname)).as("%s must not exist before the test", ifname).isFalse();
        putLink("msitPkt", Map.of("type", "packet", "interface", ifname));

        ServiceReference<Link> reference = awaitLink("msitPkt");
        assertThat(reference.getProperty(Link.TYPE)).isEqualTo("packet");
        Link link = context.getService(reference);
        Eventually.within(APPLIED, () -> {
            assertThat(link.state()).as("state of link msitPkt").startsWith("down").contains("ENODEV");
            List<String> rows = linesWithWords(shell().run("link:list"), "msitPkt", "packet", ifname, "down");
            assertThat(rows).as("link:list rows of msitPkt, down").hasSize(1);
            assertThat(rows.get(0)).as("link:list row of msitPkt").contains("ENODEV");
        });

        // The interface appears, up but without any address in the root namespace.
        interfaces.add(ifname);
        Interfaces.run("ip", "link", "add", ifname, "type", "veth", "peer", "name", peer);
        Interfaces.run("ip", "link", "set", peer, "up");
        Interfaces.run("ip", "link", "set", ifname, "up");

        Eventually.within(RETRIED, () -> assertThat(link.state()).as("state of link msitPkt").isEqualTo("up"));
        // and stays up: no reopening once the interface is there
        Eventually.throughout(Duration.ofSeconds(2),
                () -> assertThat(link.state()).as("state of link msitPkt").isEqualTo("up"));
        assertThat(linesWithWords(shell().run("link:list"), "msitPkt", "packet", ifname, "up")).hasSize(1);
        assertThat(linkReferences("msitPkt")).as("still one service, the same").containsExactly(reference);
    }

    @Test
    public void aPacketLinkOnAnInterfaceThatIsDownRetriesWithBackOffAndComesUpWithIt() throws Exception {
        String ifname = interfaceName("d");
        String peer = interfaceName("e");
        interfaces.add(ifname);
        Interfaces.run("ip", "link", "add", ifname, "type", "veth", "peer", "name", peer);
        putLink("msitDown", Map.of("type", "packet", "interface", ifname));

        Link link = context.getService(awaitLink("msitDown"));
        Eventually.within(APPLIED, () -> assertThat(link.state()).as("state of link msitDown")
                .startsWith("down").contains("ENETDOWN"));
        long before = downs("msitDown");
        Thread.sleep(3_000);
        long after = downs("msitDown");
        // Back-off from 0.1 s doubling to 5 s allows about 5 attempts in 3 s, not one per poll.
        assertThat(after - before).as("downs counted in 3 s while %s is down (%d -> %d)", ifname, before, after)
                .isLessThanOrEqualTo(6);

        Interfaces.run("ip", "link", "set", peer, "up");
        Interfaces.run("ip", "link", "set", ifname, "up");
        Eventually.within(RETRIED, () -> assertThat(link.state()).as("state of link msitDown").isEqualTo("up"));
        Eventually.throughout(Duration.ofSeconds(2),
                () -> assertThat(link.state()).as("state of link msitDown").isEqualTo("up"));
    }

    @Test
    public void badConfigurationsRegisterNoLink() throws Exception {
        Map<String, Map<String, String>> bad = new HashMap<>();
        bad.put("msitBogus", Map.of("type", "bogus", "interface", interfaceName("b")));
        bad.put("msitNoIf", Map.of("type", "tap"));
        bad.put("msitNoType", Map.of("interface", interfaceName("n")));
        bad.put("msitMtuLow", Map.of("type", "tap", "interface", interfaceName("l"), "mtu", "67"));
        bad.put("msitMtuHigh", Map.of("type", "tap", "interface", interfaceName("h"), "mtu", "65536"));
        bad.put("msitMtuText", Map.of("type", "tap", "interface", interfaceName("x"), "mtu", "big"));
        bad.put("msitLongName", Map.of("type", "tap", "interface", "msit0123456789ab")); // 16 characters
        for (Map.Entry<String, Map<String, String>> entry : bad.entrySet()) {
            putLink(entry.getKey(), entry.getValue());
        }
        // A good one after the bad ones: once it is there, the bad ones were looked at too.
        String good = interfaceName("g");
        putLink("msitGood", Map.of("type", "tap", "interface", good));
        awaitLink("msitGood");

        Eventually.throughout(APPLIED, () -> {
            for (String name : bad.keySet()) {
                assertThat(linkReferences(name)).as("Link services named %s", name).isEmpty();
            }
            String list = shell().run("link:list");
            for (String name : bad.keySet()) {
                assertThat(linesWithWords(list, name)).as("link:list rows of %s", name).isEmpty();
            }
        });
        for (String suffix : List.of("b", "n", "l", "h", "x")) {
            assertThat(Interfaces.exists(interfaceName(suffix))).as("interface of a rejected link").isFalse();
        }
        assertThat(Interfaces.exists("msit0123456789ab")).isFalse();
    }

    /** msit + the JVM's tag + a suffix: at most 4 + 4 + 2 = 10 characters. */
    private String interfaceName(String suffix) {
        return "msit" + tag + suffix;
    }

    private void putLink(String name, Map<String, String> properties) throws IOException {
        linkNames.add(name);
        String ifname = properties.get("interface");
        if (ifname != null && "tap".equals(properties.get("type"))) {
            interfaces.add(ifname); // in case the test fails before the link takes it away
        }
        configurations.put(LINK, name, properties);
    }

    private ServiceReference<Link> awaitLink(String name) throws Exception {
        List<ServiceReference<Link>> found = new ArrayList<>();
        Eventually.within(APPLIED, () -> {
            found.clear();
            found.addAll(linkReferences(name));
            assertThat(found).as("Link services named %s", name).hasSize(1);
        });
        return found.get(0);
    }

    private Collection<ServiceReference<Link>> linkReferences(String name) throws InvalidSyntaxException {
        return context.getServiceReferences(Link.class, "(" + Link.NAME + "=" + name + ")");
    }

    /** The DOWNS cell of link:list for link {@code name} (cells before it hold no blanks here). */
    private long downs(String name) throws Exception {
        List<String> lines = shell().run("link:list").lines().toList();
        List<String> headings = List.of(lines.get(0).trim().split("\\s+"));
        String[] row = lines.stream().filter(line -> line.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("link:list has no row " + name + ": " + lines))
                .trim().split("\\s+");
        return Long.parseLong(row[headings.indexOf("DOWNS")]);
    }

    private Shell shell() {
        return new Shell(commandProcessor);
    }

    /** The root namespace's interfaces, read from sysfs and changed with {@code ip}. */
    static final class Interfaces {
        private Interfaces() {}

        static boolean exists(String name) {
            return Files.exists(Path.of("/sys/class/net", name));
        }

        static int mtu(String name) throws IOException {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "mtu")).strip());
        }

        static void run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + output);
            }
        }

        static void deleteQuietly(String name) {
            if (!exists(name)) {
                return;
            }
            try {
                run("ip", "link", "delete", name);
            } catch (IOException | InterruptedException | AssertionError alreadyGone) {
                // a TAP may vanish between the check and the delete
            }
        }
    }

    /**
     * Pax Exam that reports every test as skipped unless the test JVM runs as root. The check
     * runs here, before the framework starts: Pax Exam reports an assumption that fails inside
     * the framework as a passed test.
     */
    public static class AsRoot extends PaxExam {
        public AsRoot(Class<?> testClass) throws InitializationError {
            super(testClass);
        }

        @Override
        public void run(RunNotifier notifier) {
            if (!isRoot()) {
                AssumptionViolatedException reason = new AssumptionViolatedException(
                        "not root: TAP and packet links need CAP_NET_ADMIN and CAP_NET_RAW");
                for (Description test : getDescription().getChildren()) {
                    notifier.fireTestStarted(test);
                    notifier.fireTestAssumptionFailed(new Failure(test, reason));
                    notifier.fireTestFinished(test);
                }
                return;
            }
            super.run(notifier);
        }

        /** The effective user id from /proc (Linux only; elsewhere: not root). */
        static boolean isRoot() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("Uid:"))
                        .map(line -> line.split("\\s+"))
                        .anyMatch(fields -> fields.length > 2 && fields[2].equals("0"));
            } catch (IOException | RuntimeException notLinux) {
                return false;
            }
        }
    }
}
