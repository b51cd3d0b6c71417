package io.multistack.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantBundleWriterTest {
    @TempDir
    Path home;

    @Test
    void writesAManifestTheConfigurationAndTheContent() throws Exception {
        Path content = Files.createDirectories(home.resolve("data/tenants/D/www"));
        Files.writeString(content.resolve("index.html"), "<h1>D</h1>");
        Files.createSymbolicLink(content.resolve("link"), Path.of("/etc/passwd"));
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        configurations.put("io.multistack.tenant~D", Map.of("vlan", "640", "address", "192.168.1.1/24"));

        var written = TenantBundleWriter.write(home.resolve("out/tenant-D.jar"), "D", "1.0.0.20261125", configurations,
                home.resolve("data/tenants/D"));

        assertThat(written.configurations()).isEqualTo(1);
        assertThat(written.files()).as("symbolic links are not exported").isEqualTo(1);
        try (JarFile jar = new JarFile(home.resolve("out/tenant-D.jar").toFile())) {
            var manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Bundle-ManifestVersion")).isEqualTo("2");
            assertThat(manifest.getValue("Bundle-SymbolicName")).isEqualTo("io.multistack.tenant.D");
            assertThat(manifest.getValue("Bundle-Version")).isEqualTo("1.0.0.20261125");
            assertThat(manifest.getValue("Multistack-Tenant")).isEqualTo("D");
            assertThat(manifest.getValue("Require-Capability")).contains("osgi.extender=osgi.configurator");
            List<String> names = new ArrayList<>(Collections.list(jar.entries()).stream().map(e -> e.getName()).toList());
            assertThat(names).contains("OSGI-INF/configurator/tenant-D.json", "tenant/www/index.html", "tenant/www/");
            assertThat(new String(jar.getInputStream(jar.getEntry("tenant/www/index.html")).readAllBytes()))
                    .isEqualTo("<h1>D</h1>");
            var json = jar.getInputStream(jar.getEntry("OSGI-INF/configurator/tenant-D.json"));
            assertThat(ConfigurationResources.read("tenant-D.json", json)).isEqualTo(configurations);
        }
        assertThat(home.resolve("out")).isDirectoryNotContaining("glob:**.partial");
    }

    @Test
    void aTenantWithoutContentIsOnlyItsConfiguration() throws Exception {
        var written = TenantBundleWriter.write(home.resolve("tenant-E.jar"), "E", "1.0.0", Map.of(),
                home.resolve("data/tenants/E"));

        assertThat(written.files()).isZero();
        assertThat(home.resolve("tenant-E.jar")).isRegularFile();
    }
}
