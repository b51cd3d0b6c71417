package io.multistack.api.process;

import io.multistack.api.stack.TenantStack;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** What the flow manager gives an instance of a server process: its tenant, and nothing of any other. */
@ProviderType
public interface ProcessContext {
    String tenant();

    String service();

    /** The tenant's stack: the only network this instance can reach. */
    TenantStack stack();

    /** {@code HOME/data/tenants/TENANT/SERVICE}, created: the instance's own files. */
    Path dataFolder();

    /** {@code HOME/log/tenants/TENANT}, created: where the instance writes its logs (e.g. an access log). */
    Path logFolder();

    /**
     * The keys of {@code etc/io.multistack.SERVICE~TENANT.cfg} (without those Configuration Admin
     * and FileInstall add); empty when there is no such file. Defaults are the process's own.
     */
    Map<String, Object> settings();
}
