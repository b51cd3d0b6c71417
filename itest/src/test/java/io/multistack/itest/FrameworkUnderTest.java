package io.multistack.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;

/**
 * The framework every integration test runs in: the appliance's bundles exactly as the
 * runtime ships them (paths handed in by the build as {@code itest.bundles}), plus the
 * assertion libraries the tests use inside the framework ({@code itest.testBundles}).
 */
public final class FrameworkUnderTest {
    /** Framework property naming the folder that {@code tenant:add} writes to. */
    public static final String ETC_PROPERTY = "multistack.etc";

    private FrameworkUnderTest() {}

    /** Jar paths of the appliance's bundles, in installation order. */
    public static List<String> applianceBundlePaths() {
        return paths("itest.bundles");
    }

    /** The location under which Pax Exam installs a bundle given by path. */
    public static String location(String path) {
        return "file:" + path;
    }

    /**
     * Pax Exam calls this per test class, not per framework: the frameworks of one class share
     * its etc/ folder, so tests that write files there remove them again.
     */
    public static Option[] options() {
        Path work = directory(Path.of(required("itest.work")));
        String etc = temporaryDirectory(work, "etc-").toString();
        return CoreOptions.options(
                workingDirectory(directory(work.resolve("exam")).toString()),
                cleanCaches(true),
                // etc/ watched by FileInstall as the launcher sets it up.
                frameworkProperty(ETC_PROPERTY).value(etc),
                frameworkProperty("felix.fileinstall.dir").value(etc),
                frameworkProperty("felix.fileinstall.poll").value("1000"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.tmpdir").value(temporaryDirectory(work, "fileinstall-").toString()),
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                // pax-logging-api without a backend logs to stdout at DEBUG by default.
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                junitBundles(),
                composite(provision(paths("itest.testBundles"))),
                composite(provision(applianceBundlePaths())));
    }

    /** Installs every jar; starts all but fragments (the native epoll library), which cannot start. */
    private static Option[] provision(List<String> paths) {
        return paths.stream()
                .map(path -> isFragment(path) ? bundle(location(path)).noStart() : bundle(location(path)))
                .toArray(Option[]::new);
    }

    private static boolean isFragment(String path) {
        try (JarFile jar = new JarFile(path)) {
            Manifest manifest = jar.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Fragment-Host") != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> paths(String property) {
        List<String> paths = Arrays.stream(required(property).split(","))
                .map(String::strip)
                .filter(path -> !path.isEmpty())
                .toList();
        for (String path : paths) {
            // An unresolved ${g:a:jar} means the build did not hand the bundle in.
            if (path.startsWith("${") || !Files.isRegularFile(Path.of(path))) {
                throw new IllegalStateException(property + " names no bundle jar at '" + path + "'");
            }
        }
        return paths;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property
                    + " is not set: run the integration tests through Maven (mvn verify)");
        }
        return value;
    }

    private static Path temporaryDirectory(Path parent, String prefix) {
        try {
            return Files.createTempDirectory(parent, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
