package io.multistack.etc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedFactoryPidTest {
    @Test
    void splitsFactoryPidAndNameAtTheTilde() {
        NamedFactoryPid pid = NamedFactoryPid.of("io.multistack.tenant~A-1.cfg");
        assertThat(pid).isEqualTo(new NamedFactoryPid("io.multistack.tenant", "A-1"));
        assertThat(pid.servicePid()).isEqualTo("io.multistack.tenant~A-1");
    }

    @Test
    void leavesOtherFilesToFileInstall() {
        assertThat(NamedFactoryPid.of("io.multistack.access.vxlan.cfg")).isNull();
        assertThat(NamedFactoryPid.of("org.foo-bar.cfg")).isNull();
        assertThat(NamedFactoryPid.of("io.multistack.tenant~A.cfg.tmp")).isNull();
        assertThat(NamedFactoryPid.of("~A.cfg")).isNull();
        assertThat(NamedFactoryPid.of("bundle~1.jar")).isNull();
    }

    @Test
    void readsValuesAsTrimmedStrings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("io.multistack.tenant~A.cfg");
        Files.writeString(file, "# comment\nvlan = 600 \naddress=192.168.1.1/24\n");
        Dictionary<String, Object> properties = NamedFactoryConfigInstaller.read(file.toFile());
        assertThat(properties.get("vlan")).isEqualTo("600");
        assertThat(properties.get("address")).isEqualTo("192.168.1.1/24");
        assertThat(properties.size()).isEqualTo(2);
    }

    @Test
    void canHandleOnlyNamedFactoryFiles() {
        NamedFactoryConfigInstaller installer = new NamedFactoryConfigInstaller(null, (String) null);
        assertThat(installer.canHandle(new File("/x/etc/io.multistack.tenant~B.cfg"))).isTrue();
        assertThat(installer.canHandle(new File("/x/etc/io.multistack.access.vxlan.cfg"))).isFalse();
    }
}
