package io.multistack.shell;

import io.multistack.api.stack.TenantStack;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The running tenant stacks, as the commands see them (an internal service of this bundle). */
@Component(service = Tenants.class)
public final class Tenants {
    private final List<TenantStack> stacks = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStack(TenantStack stack) {
        stacks.add(stack);
    }

    void removeStack(TenantStack stack) {
        stacks.remove(stack);
    }

    List<TenantStack> sorted() {
        return stacks.stream().sorted(Comparator.comparing(TenantStack::name)).toList();
    }

    boolean exists(String name) {
        return stacks.stream().anyMatch(s -> s.name().equals(name));
    }

    TenantStack get(String name) {
        return stacks.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tenant named '" + name + "' is running"));
    }
}
