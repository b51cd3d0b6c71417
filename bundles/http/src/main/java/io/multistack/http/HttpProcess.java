package io.multistack.http;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.stack.TenantStack;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code http} server process of one tenant: a static web server on that tenant's stack
 * alone. Files come from {@code data/tenants/NAME/www} (created when missing), the access log
 * goes to {@code log/tenants/NAME/http-access.log}, settings (see {@link HttpSettings}) from
 * {@code etc/io.multistack.http~NAME.cfg}, applied live. Started by {@link HttpProcessFactory}.
 */
final class HttpProcess implements ServerProcess {
    static final String ACCESS_LOG = "http-access.log";
    private static final Logger LOG = System.getLogger("io.multistack.http");

    private final String tenant;
    private final StaticRoot root;
    private final AccessLog accessLog;
    private final HttpServer server;

    HttpProcess(ProcessContext context) throws Exception {
        this.tenant = context.tenant();
        TenantStack stack = context.stack();
        HttpSettings settings = settings(context.settings());
        this.root = new StaticRoot(www(context.dataFolder()));
        this.accessLog = new AccessLog(context.logFolder().resolve(ACCESS_LOG), stack.transport().eventLoop());
        this.server = new HttpServer(stack.transport(), new Site(root, settings, accessLog, new Timestamps()));
        try {
            server.start();
        } catch (Exception failed) { // Netty's sync() also throws undeclared checked exceptions (BindException)
            accessLog.close();
            LOG.log(Level.ERROR, "Tenant {0}: http cannot listen on port {1}: {2}", tenant, settings.port(),
                    failed.toString());
            throw failed;
        }
        LOG.log(Level.INFO, "Tenant {0}: http started, {1}, files from {2}", tenant, server.status(), root.path());
    }

    /** The tenant's www folder: beside the data folder the flow manager gives the service. */
    static Path www(Path dataFolder) {
        return dataFolder.toAbsolutePath().getParent().resolve("www");
    }

    @Override
    public boolean reconfigure(Map<String, Object> configuration) {
        HttpSettings settings;
        try {
            settings = HttpSettings.from(configuration);
        } catch (IllegalArgumentException invalid) {
            LOG.log(Level.ERROR, "Tenant {0}: http settings rejected, the previous ones stay: {1}", tenant,
                    invalid.getMessage());
            return true;
        }
        try {
            server.apply(server.site().with(settings));
            LOG.log(Level.INFO, "Tenant {0}: http settings applied, {1}", tenant, server.status());
        } catch (Exception failed) { // as above; the previous port and settings stay
            LOG.log(Level.ERROR, "Tenant {0}: http cannot listen on port {1}, settings not applied: {2}", tenant,
                    settings.port(), failed.toString());
        }
        return true;
    }

    @Override
    public void stop() {
        server.stop();
        accessLog.close();
        LOG.log(Level.INFO, "Tenant {0}: http stopped", tenant);
    }

    private HttpSettings settings(Map<String, Object> configuration) {
        try {
            return HttpSettings.from(configuration);
        } catch (IllegalArgumentException invalid) {
            LOG.log(Level.ERROR, "Tenant {0}: http settings rejected: {1}", tenant, invalid.getMessage());
            throw invalid;
        }
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String service() {
        return "http";
    }

    @Override
    public String status() {
        return server.status();
    }
}
