package io.multistack.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Service lookups that wait, for services that appear only once configuration is applied. */
public final class Services {
    private Services() {}

    public static <T> T await(BundleContext context, Class<T> type, Duration timeout) throws Exception {
        AtomicReference<T> found = new AtomicReference<>();
        Eventually.within(timeout, () -> {
            ServiceReference<T> reference = context.getServiceReference(type);
            assertThat(reference).as("a registered %s service", type.getSimpleName()).isNotNull();
            found.set(context.getService(reference));
            assertThat(found.get()).as("%s service (unregistered meanwhile)", type.getSimpleName()).isNotNull();
        });
        return found.get();
    }
}
