package io.multistack.ftp;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * The {@code ftp} server process of one tenant: an FTP server on that tenant's stack alone.
 * Files live in {@code data/tenants/NAME/ftp} (the data folder the flow manager passes),
 * settings and users (see {@link FtpSettings}) come from {@code etc/io.multistack.ftp~NAME.cfg}
 * and apply live. Started by {@link FtpProcessFactory}.
 */
final class FtpProcess implements ServerProcess {
    private static final Logger LOG = System.getLogger("io.multistack.ftp");

    private final String tenant;
    private final FtpServer server;

    FtpProcess(ProcessContext context) throws Exception {
        this.tenant = context.tenant();
        FtpSettings settings;
        try {
            settings = FtpSettings.from(context.settings());
        } catch (IllegalArgumentException invalid) {
            LOG.log(Level.ERROR, "Tenant {0}: ftp settings rejected: {1}", tenant, invalid.getMessage());
            throw invalid;
        }
        FileArea area = new FileArea(context.dataFolder().toAbsolutePath());
        int leftovers = AtomicUpload.removeLeftovers(area.root());
        if (leftovers > 0) {
            LOG.log(Level.INFO, "Tenant {0}: ftp removed {1} unfinished upload(s) of an earlier run", tenant,
                    leftovers);
        }
        this.server = new FtpServer(tenant, context.stack().transport(), area, settings);
        try {
            server.start();
        } catch (Exception failed) { // Netty's sync() also throws undeclared checked exceptions (BindException)
            LOG.log(Level.ERROR, "Tenant {0}: ftp cannot listen on port {1}: {2}", tenant, settings.port(),
                    failed.toString());
            throw failed;
        }
        LOG.log(Level.INFO, "Tenant {0}: ftp started, {1}, files in {2}", tenant, server.status(), area.root());
    }

    @Override
    public boolean reconfigure(Map<String, Object> configuration) {
        FtpSettings settings;
        try {
            settings = FtpSettings.from(configuration);
        } catch (IllegalArgumentException invalid) {
            LOG.log(Level.ERROR, "Tenant {0}: ftp settings rejected, the previous ones stay: {1}", tenant,
                    invalid.getMessage());
            return true;
        }
        try {
            server.apply(settings);
            LOG.log(Level.INFO, "Tenant {0}: ftp settings applied, {1}", tenant, server.status());
        } catch (Exception failed) { // as above; the previous port and settings stay
            LOG.log(Level.ERROR, "Tenant {0}: ftp cannot listen on port {1}, settings not applied: {2}", tenant,
                    settings.port(), failed.toString());
        }
        return true;
    }

    @Override
    public void stop() {
        server.stop();
        LOG.log(Level.INFO, "Tenant {0}: ftp stopped", tenant);
    }

    /** The users of this tenant's server as it runs now (names only). */
    java.util.Set<String> users() {
        return server.settings().users().keySet();
    }

    boolean anonymous() {
        return server.settings().anonymous();
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String service() {
        return "ftp";
    }

    @Override
    public String status() {
        return server.status();
    }
}
