package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Service lookups that wait, for services that appear only once configuration is applied. */
public final class Services {
    private Services() {}

    public static <T> T await(BundleContext context, Class<T> type, Duration timeout) throws Exception {
        Object[] found = new Object[1];
        Eventually.within(timeout, () -> {
            ServiceReference<T> reference = context.getServiceReference(type);
            assertThat(reference).as("a registered %s service", type.getSimpleName()).isNotNull();
            found[0] = context.getService(reference);
            assertThat(found[0]).as("%s service (unregistered meanwhile)", type.getSimpleName()).isNotNull();
        });
        return type.cast(found[0]);
    }
}
