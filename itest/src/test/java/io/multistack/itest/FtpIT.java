package io.multistack.itest;

import static io.multistack.itest.Configurations.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multistack.api.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The {@code ftp} server process in the real framework: a tenant listing {@code ftp} in its
 * services gets a running FTP server on its own stack, with its own data folder; the
 * {@code ftp:} commands write users into the tenant's settings file in etc/, which reach the
 * running server live.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FtpIT {
    private static final Duration APPLIED = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private CommandProcessor commandProcessor;

    private Shell shell;
    private Path etc;

    @Configuration
    public Option[] config() {
        return FrameworkUnderTest.options();
    }

    @Before
    public void tenantsWithFtp() throws Exception {
        shell = new Shell(commandProcessor);
        etc = Path.of(context.getProperty(FrameworkUnderTest.ETC_PROPERTY));
        Configurations configurations = new Configurations(configurationAdmin);
        configurations.put(TENANT, "A", withFtp(600));
        configurations.put(TENANT, "B", withFtp(601));
    }

    /** The frameworks of this class share etc/: leave no settings file behind. */
    @After
    public void removeSettingsFiles() throws Exception {
        Files.deleteIfExists(settingsFile("A"));
        Files.deleteIfExists(settingsFile("B"));
    }

    private Path settingsFile(String tenant) {
        return etc.resolve("io.multistack.ftp~" + tenant + ".cfg");
    }

    private static Map<String, String> withFtp(int vlan) {
        Map<String, String> tenant = new HashMap<>(Configurations.tenant(vlan, "192.168.1.1/24"));
        tenant.put("services", "ftp");
        return tenant;
    }

    private ServiceReference<ServerProcess> ftpOf(String tenant) throws Exception {
        String filter = "(&(tenant=" + tenant + ")(service=ftp))";
        ServiceReference<?>[] found = new ServiceReference<?>[1];
        Eventually.within(APPLIED, () -> {
            Collection<ServiceReference<ServerProcess>> references = context.getServiceReferences(ServerProcess.class,
                    filter);
            assertThat(references).as("ServerProcess %s", filter).hasSize(1);
            found[0] = references.iterator().next();
        });
        @SuppressWarnings("unchecked")
        ServiceReference<ServerProcess> reference = (ServiceReference<ServerProcess>) found[0];
        return reference;
    }

    @Test
    public void aTenantListingFtpRunsAServerProcessOnItsOwnStack() throws Exception {
        ServiceReference<ServerProcess> a = ftpOf("A");
        ServerProcess process = context.getService(a);
        assertThat(process.tenant()).isEqualTo("A");
        assertThat(process.service()).isEqualTo("ftp");
        assertThat(process.status()).contains("listening on").contains(":21").contains("passive 50000-50100");
        assertThat(String.valueOf(a.getProperty("data.folder"))).endsWith("tenants/A/ftp");
        assertThat(a.getProperty("stack.id")).isEqualTo(new TenantStacks(context).serviceId("A"));
        assertThat(Files.isDirectory(Path.of(String.valueOf(a.getProperty("data.folder"))))).isTrue();
        assertThat(String.valueOf(ftpOf("B").getProperty("data.folder"))).endsWith("tenants/B/ftp");
        Eventually.within(APPLIED, () -> assertThat(Shell.linesWithWords(shell.run("flow:table"), "A", "ftp", "running"))
                .as("flow:table row of A's ftp").singleElement().asString().contains("listening on"));
    }

    @Test
    public void useraddUsersUserdelEditTheSettingsFileAndReachTheRunningServer() throws Exception {
        ServerProcess a = context.getService(ftpOf("A"));
        Files.writeString(settingsFile("A"), "# kept\nloginDelayMillis = 300\n");

        String added = shell.run("ftp:useradd A alice s3cret");
        assertThat(added).contains("User alice added for tenant A");
        String file = Files.readString(settingsFile("A"));
        assertThat(file).contains("# kept").contains("loginDelayMillis = 300").containsPattern(
                "user\\.alice = pbkdf2\\$\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+").doesNotContain("s3cret");
        Eventually.within(APPLIED, () -> assertThat(a.status()).contains("1 users"));
        assertThat(shell.run("ftp:users A")).contains("alice\n").contains("ftp: listening on");
        assertThat(shell.run("ftp:users B")).doesNotContain("alice");

        assertThat(shell.run("ftp:useradd A alice other")).contains("Password of alice changed");
        assertThat(Files.readString(settingsFile("A")).lines().filter(l -> l.startsWith("user.alice"))).hasSize(1);

        assertThat(shell.run("ftp:userdel A alice")).contains("User alice removed");
        assertThat(Files.readString(settingsFile("A"))).doesNotContain("alice").contains("loginDelayMillis = 300");
        Eventually.within(APPLIED, () -> assertThat(a.status()).contains("0 users"));
        assertThatThrownBy(() -> shell.run("ftp:userdel A alice")).hasMessageContaining("no FTP user");
    }

    @Test
    public void badNamesAreRefused() {
        assertThatThrownBy(() -> shell.run("ftp:useradd A anonymous pw")).hasMessageContaining("not a user name");
        assertThatThrownBy(() -> shell.run("ftp:useradd A ../x pw")).hasMessageContaining("not a user name");
        assertThatThrownBy(() -> shell.run("ftp:useradd ../A bob pw")).hasMessageContaining("not a tenant name");
    }
}
