package io.multistack.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Bundle jars the tests make: another version of a built bundle, and tenant bundles. */
public final class TestJars {
    /** Without this requirement the OSGi Configurator ignores a bundle's configuration resources. */
    private static final String CONFIGURATOR =
            "osgi.extender;filter:=\"(&(osgi.extender=osgi.configurator)(version>=1.0)(!(version>=2.0)))\"";

    private TestJars() {}

    /** A copy of {@code jar} with another Bundle-Version: what a second build of the bundle would be. */
    public static void withVersion(Path jar, String version, Path target) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            writeAtomically(target, out -> {
                try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                    for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                        jarOut.putNextEntry(new JarEntry(entry.getName()));
                        in.transferTo(jarOut);
                        jarOut.closeEntry();
                    }
                }
            });
        }
    }

    /**
     * A tenant bundle: {@code Multistack-Tenant: tenant}, the Configurator resource {@code json}
     * and {@code content} files under {@code tenant/}.
     */
    public static void tenantBundle(Path target, String tenant, String json, Map<String, String> content)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.multistack.tenant." + tenant);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Multistack-Tenant", tenant);
        main.putValue("Require-Capability", CONFIGURATOR);
        writeAtomically(target, out -> {
            try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
                put(jar, "OSGI-INF/configurator/tenant-" + tenant + ".json", json);
                for (Map.Entry<String, String> file : content.entrySet()) {
                    put(jar, "tenant/" + file.getKey(), file.getValue());
                }
            }
        });
    }

    /**
     * {@code serverProcessJar} turned into tenant {@code tenant}'s bundle: its own server-process
     * components plus the tenant's Configurator resource {@code json}.
     */
    public static void asTenantBundle(Path serverProcessJar, String tenant, String json, Path target)
            throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(serverProcessJar))) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            main.putValue("Bundle-SymbolicName", "io.multistack.tenant." + tenant);
            main.putValue("Multistack-Tenant", tenant);
            String required = main.getValue("Require-Capability");
            main.putValue("Require-Capability", (required == null ? "" : required + ",") + CONFIGURATOR);
            writeAtomically(target, out -> {
                try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                    for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                        jarOut.putNextEntry(new JarEntry(entry.getName()));
                        in.transferTo(jarOut);
                        jarOut.closeEntry();
                    }
                    put(jarOut, "OSGI-INF/configurator/tenant-" + tenant + ".json", json);
                }
            });
        }
    }

    /** The bytes of a jar, for {@code Bundle.update(InputStream)} and {@code installBundle}. */
    public static InputStream open(Path jar) throws IOException {
        return Files.newInputStream(jar);
    }

    private static void put(JarOutputStream jar, String name, String text) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(text.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Written beside and renamed, so that a watcher of the folder never sees half a jar. */
    private static void writeAtomically(Path target, Writer writer) throws IOException {
        // FileInstall skips names starting with a dot.
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial)) {
            writer.write(out);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
