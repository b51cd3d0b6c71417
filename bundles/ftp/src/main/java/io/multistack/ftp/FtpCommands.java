package io.multistack.ftp;

import io.multistack.api.process.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code ftp:useradd TENANT USER PASSWORD}, {@code ftp:userdel TENANT USER},
 * {@code ftp:users TENANT}. Users are keys {@code user.NAME = <hash>} of the tenant's
 * settings file in etc/ (framework property {@code multistack.etc}), so they survive
 * restarts and reach the running server as a settings change (no restart).
 */
@Component(service = FtpCommands.class, property = {"osgi.command.scope=ftp", "osgi.command.function=useradd",
        "osgi.command.function=userdel", "osgi.command.function=users"})
public final class FtpCommands {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final long SETTLE_MILLIS = 6_000;

    private final Path etc;
    private final List<FtpProcess> servers = new CopyOnWriteArrayList<>();

    @Activate
    public FtpCommands(BundleContext context) {
        String etcProperty = context.getProperty("multistack.etc");
        this.etc = etcProperty == null ? null : Path.of(etcProperty);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, target = "(service=ftp)")
    void addServer(ServerProcess process) {
        if (process instanceof FtpProcess ftp) {
            servers.add(ftp);
        }
    }

    void removeServer(ServerProcess process) {
        servers.remove(process);
    }

    @Descriptor("adds an FTP user to a tenant, or sets a new password (stores a salted PBKDF2 hash)")
    public String useradd(@Descriptor("tenant name") String tenant, @Descriptor("user name") String user,
            @Descriptor("password") String password) throws IOException, InterruptedException {
        SettingsFile file = file(tenant);
        checkUser(user);
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
        boolean existed = file.read().containsKey(FtpSettings.USER_PREFIX + user);
        file.put(FtpSettings.USER_PREFIX + user, PasswordHash.create(password));
        return (existed ? "Password of " : "User ") + user + (existed ? " changed" : " added") + " for tenant "
                + tenant + " (" + file.path().getFileName() + ")" + liveNote(tenant, user, true);
    }

    @Descriptor("removes an FTP user from a tenant")
    public String userdel(@Descriptor("tenant name") String tenant, @Descriptor("user name") String user)
            throws IOException, InterruptedException {
        SettingsFile file = file(tenant);
        checkUser(user);
        if (!file.remove(FtpSettings.USER_PREFIX + user)) {
            throw new IllegalArgumentException("tenant " + tenant + " has no FTP user '" + user + "'");
        }
        return "User " + user + " removed from tenant " + tenant + liveNote(tenant, user, false);
    }

    @Descriptor("lists a tenant's FTP users")
    public String users(@Descriptor("tenant name") String tenant) throws IOException {
        Map<String, String> settings = file(tenant).read();
        StringBuilder out = new StringBuilder();
        settings.keySet().stream().filter(key -> key.startsWith(FtpSettings.USER_PREFIX))
                .map(key -> key.substring(FtpSettings.USER_PREFIX.length())).sorted()
                .forEach(name -> out.append(name).append('\n'));
        boolean anonymous = Boolean.parseBoolean(settings.getOrDefault("anonymous", "false").trim());
        if (anonymous) {
            out.append("anonymous (read only)\n");
        }
        String running = server(tenant).map(FtpProcess::status).orElse("not running (add ftp to the services key "
                + "of the tenant file)");
        return out.append("ftp: ").append(running).append('\n').toString();
    }

    private SettingsFile file(String tenant) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("'" + tenant + "' is not a tenant name");
        }
        if (etc == null) {
            throw new IllegalStateException("no etc/ folder (framework property multistack.etc is not set)");
        }
        return new SettingsFile(etc, tenant);
    }

    private static void checkUser(String user) {
        if (!USER.matcher(user).matches() || user.equals("anonymous") || user.equals("ftp")) {
            throw new IllegalArgumentException("'" + user + "' is not a user name (letters, digits, _ . @ -; "
                    + "anonymous access is the anonymous setting)");
        }
    }

    /** Waits until the running server has the change (FileInstall polls the folder). */
    private String liveNote(String tenant, String user, boolean present) throws InterruptedException {
        if (server(tenant).isEmpty()) {
            return "; the tenant runs no ftp server now";
        }
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            java.util.Optional<FtpProcess> running = server(tenant);
            if (running.isPresent() && running.get().users().contains(user) == present) {
                return "; the running server has it";
            }
            Thread.sleep(100);
        }
        return "; the running server has not picked it up yet";
    }

    private java.util.Optional<FtpProcess> server(String tenant) {
        return servers.stream().filter(server -> server.tenant().equals(tenant)).findFirst();
    }
}
