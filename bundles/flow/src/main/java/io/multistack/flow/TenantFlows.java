package io.multistack.flow;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The tenants' configurations ({@code io.multistack.tenant~NAME}), each turned into a
 * {@link TenantFlowComponent} instance of its own: made when the configuration appears,
 * handed its edits, disposed of when it is deleted.
 *
 * <p>ConfigurationAdmin hands each configuration here directly. Were the flows components of
 * the factory PID themselves, declarative services (Felix SCR 2.2) would answer every
 * configuration event by listing the configurations with a {@code service.pid} filter, which
 * ConfigurationAdmin answers by testing every configuration it holds: with 4094 tenants that
 * search was 71% of the time of the thread that adds tenants, and made each add slower by
 * the number of tenants present (bench/RESULTS.md, session 6).
 */
@Component(immediate = true, service = ManagedServiceFactory.class, property = Constants.SERVICE_PID + "=" + TenantConfig.PID)
public final class TenantFlows implements ManagedServiceFactory {
    private static final Logger LOG = System.getLogger("io.multistack.flow");

    private final ComponentFactory<TenantFlowComponent> flowFactory;
    /** The running flows by configuration PID. */
    private final Map<String, ComponentInstance<TenantFlowComponent>> flows = new HashMap<>();
    private boolean stopped;

    @Activate
    public TenantFlows(@Reference(target = "(" + ComponentConstants.COMPONENT_FACTORY + "=" + TenantFlowComponent.FACTORY + ")")
            ComponentFactory<TenantFlowComponent> flowFactory) {
        this.flowFactory = flowFactory;
    }

    @Override
    public String getName() {
        return "multistack tenant flows";
    }

    /** A tenant's configuration appeared or was edited (ConfigurationAdmin calls one at a time). */
    @Override
    public synchronized void updated(String pid, Dictionary<String, ?> configuration) {
        if (stopped) {
            return;
        }
        Map<String, Object> properties = FrameworkUtil.asMap(configuration);
        ComponentInstance<TenantFlowComponent> running = flows.get(pid);
        TenantFlowComponent flow = running == null ? null : running.getInstance();
        if (flow == null) {
            if (running != null) { // disposed of by declarative services meanwhile: made anew
                flows.remove(pid);
                running.dispose();
            }
            try {
                // no properties: the configuration goes to the instance, not through SCR
                running = flowFactory.newInstance(new Hashtable<>());
            } catch (ComponentException failed) {
                LOG.log(Level.ERROR, "Tenant configuration {0}: no flow could be made: {1}", pid,
                        String.valueOf(failed.getCause()));
                return;
            }
            flows.put(pid, running);
            flow = running.getInstance();
        }
        flow.configure(properties);
    }

    /** A tenant's configuration was deleted: its flow goes. */
    @Override
    public synchronized void deleted(String pid) {
        ComponentInstance<TenantFlowComponent> gone = flows.remove(pid);
        if (gone != null) {
            gone.dispose();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stopped = true;
        flows.values().forEach(ComponentInstance::dispose);
        flows.clear();
    }
}
