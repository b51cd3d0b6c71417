package io.multistack.tenants;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes a tenant bundle: a manifest naming the tenant, its configurations as one Configurator
 * resource, and the files of {@code data/tenants/NAME/} under {@code tenant/}.
 */
final class TenantBundleWriter {

    /** What was written, for the command's answer. */
    record Written(Path jar, int configurations, int files) {}

    private TenantBundleWriter() {}

    static Written write(Path jar, String tenant, String version, Map<String, Map<String, Object>> configurations,
            Path contentRoot) throws IOException {
        TenantBundles.requireName(tenant);
        List<Path> files = contentFiles(contentRoot);
        Path parent = jar.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        // Written aside and moved: deploy/ watchers never install half a jar.
        Path partial = Files.createTempFile(parent, ".tenant-", ".partial");
        try {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(partial), manifest(tenant, version))) {
                Set<String> folders = new HashSet<>();
                String json = ConfigurationResources.write(configurations);
                put(out, folders, TenantBundles.CONFIGURATOR_FOLDER + "/tenant-" + tenant + ".json",
                        json.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
                for (Path file : files) {
                    String name = TenantBundles.CONTENT_FOLDER + "/"
                            + contentRoot.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                    put(out, folders, name, Files.readAllBytes(file), Files.getLastModifiedTime(file).toMillis());
                }
            }
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return new Written(jar, configurations.size(), files.size());
    }

    static Manifest manifest(String tenant, String version) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.multistack.tenant." + tenant);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Name", "multistack tenant " + tenant);
        main.putValue(TenantBundles.HEADER, tenant);
        main.putValue("Require-Capability", TenantBundles.REQUIRE_CONFIGURATOR);
        return manifest;
    }

    /** Regular files below the tenant's folder, sorted; symbolic links are not followed (nor exported). */
    private static List<Path> contentFiles(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return new ArrayList<>(walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList());
        }
    }

    /** One file entry, preceded by entries for its folders (Felix's findEntries lists folders it sees). */
    private static void put(JarOutputStream out, Set<String> folders, String name, byte[] content, long modified)
            throws IOException {
        for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
            String folder = name.substring(0, slash + 1);
            if (folders.add(folder)) {
                JarEntry entry = new JarEntry(folder);
                entry.setTime(modified);
                out.putNextEntry(entry);
                out.closeEntry();
            }
        }
        JarEntry entry = new JarEntry(name);
        entry.setTime(modified);
        out.putNextEntry(entry);
        out.write(content);
        out.closeEntry();
    }
}
