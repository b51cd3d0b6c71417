package io.multistack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The assembled runtime, as laid out by the Maven build: {@code lib/} (this launcher and
 * the Felix framework) and {@code bundle/} (everything installed into the framework).
 */
record Assembly(Path root) {

    /** Lets bin/multistack (or a test) name the assembly instead of deriving it from the jar. */
    static final String ASSEMBLY_PROPERTY = "multistack.assembly";

    static Assembly locate() {
        String configured = System.getProperty(ASSEMBLY_PROPERTY);
        if (configured != null) {
            return new Assembly(Path.of(configured).toAbsolutePath());
        }
        try {
            // lib/multistack-launcher.jar -> the assembly root
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new Assembly(jar.getParent().getParent());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the assembly", e);
        }
    }

    Path bundleDir() {
        return root.resolve("bundle");
    }

    /** The bundle jars in a stable order, each with its symbolic name read from the manifest. */
    List<BundleJar> bundles() throws IOException {
        try (Stream<Path> files = Files.list(bundleDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .map(Assembly::read)
                    .toList();
        }
    }

    private static BundleJar read(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            String name = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null) {
                throw new IOException("not a bundle (no Bundle-SymbolicName): " + jar);
            }
            // "name;singleton:=true" -> "name"
            return new BundleJar(jar, name.split(";", 2)[0].trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record BundleJar(Path path, String symbolicName) {
    }
}
