package io.multistack.runtime.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** A bundle added under bundles/ but forgotten in runtime/pom.xml would silently not run. */
class AssemblyCompletenessTest {

    private static final Pattern SYMBOLIC_NAME = Pattern.compile("(?m)^Bundle-SymbolicName:\\s*([\\w.]+)");
    private static final Pattern INLINED = Pattern.compile("(?m)^-conditionalpackage:\\s*(.+)$");

    private final Path repo = Path.of(System.getProperty("multistack.repo")).toAbsolutePath().normalize();
    private final Path assembly = Path.of(System.getProperty("multistack.assembly")).toAbsolutePath().normalize();

    @Test
    void everyBundleOfTheRepositoryIsAssembled() throws IOException {
        Set<String> inlined = inlinedLibraries();
        Set<String> expected;
        try (Stream<Path> modules = Files.list(repo.resolve("bundles"))) {
            expected = modules.map(module -> module.resolve("bnd.bnd"))
                    .filter(Files::exists)
                    .map(AssemblyCompletenessTest::symbolicName)
                    .filter(name -> !inlined.contains(name))
                    .collect(Collectors.toSet());
        }
        assertThat(expected).contains("io.multistack.api", "io.multistack.console");
        assertThat(assembledSymbolicNames()).containsAll(expected).doesNotContainAnyElementsOf(inlined);
    }

    /** Libraries the top bnd.bnd inlines ({@code -conditionalpackage: io.multistack.wire.*, ...}). */
    private Set<String> inlinedLibraries() throws IOException {
        Matcher matcher = INLINED.matcher(Files.readString(repo.resolve("bnd.bnd")));
        assertThat(matcher.find()).isTrue();
        return Arrays.stream(matcher.group(1).split(","))
                .map(pattern -> pattern.trim().replaceAll("\\.\\*$", ""))
                .collect(Collectors.toSet());
    }

    private Set<String> assembledSymbolicNames() throws IOException {
        try (Stream<Path> jars = Files.list(assembly.resolve("bundle"))) {
            return jars.map(jar -> {
                try (JarFile file = new JarFile(jar.toFile())) {
                    return file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0];
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toSet());
        }
    }

    private static String symbolicName(Path bnd) {
        try {
            Matcher matcher = SYMBOLIC_NAME.matcher(Files.readString(bnd));
            assertThat(matcher.find()).as("Bundle-SymbolicName in %s", bnd).isTrue();
            return matcher.group(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
