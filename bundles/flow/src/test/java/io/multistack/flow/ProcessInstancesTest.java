package io.multistack.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.multistack.api.process.ProcessContext;
import io.multistack.api.process.ServerProcess;
import io.multistack.api.process.ServerProcessFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessInstancesTest {
    @TempDir
    Path home;

    private final List<String> events = new ArrayList<>();
    private final Map<String, Map<String, Object>> published = new HashMap<>();
    private final Map<String, Map<String, Object>> settingsFiles = new HashMap<>();

    private ProcessInstances instances() {
        return new ProcessInstances(home, new ProcessInstances.Publisher() {
            @Override
            public Object publish(ServerProcess process, Map<String, Object> properties) {
                String key = process.tenant() + "/" + process.service();
                published.put(key, properties);
                return key;
            }

            @Override
            public void withdraw(Object handle) {
                published.remove(handle);
            }
        }, (tenant, service) -> settingsFiles.getOrDefault(tenant + "/" + service, Map.of()));
    }

    /** Records what its instances are asked; {@code takesSettings} says whether they apply edits themselves. */
    private final class Recording implements ServerProcessFactory {
        private final String name;
        private final boolean takesSettings;
        private boolean failing;

        Recording(String name, boolean takesSettings) {
            this.name = name;
            this.takesSettings = takesSettings;
        }

        @Override
        public ServerProcess start(ProcessContext context) {
            if (failing) {
                throw new IllegalArgumentException("port taken");
            }
            events.add("start " + name + " " + context.tenant() + "/" + context.service() + " " + context.settings());
            return new ServerProcess() {
                @Override
                public String tenant() {
                    return context.tenant();
                }

                @Override
                public String service() {
                    return context.service();
                }

                @Override
                public String status() {
                    return "ok";
                }

                @Override
                public boolean reconfigure(Map<String, Object> settings) {
                    events.add("reconfigure " + context.tenant() + "/" + context.service() + " " + settings);
                    return takesSettings;
                }

                @Override
                public void stop() {
                    events.add("stop " + name + " " + context.tenant() + "/" + context.service());
                }
            };
        }
    }

    @Test
    void anInstanceRunsOnlyWhileTheTenantListsTheServiceAndABundleProvidesIt() {
        ProcessInstances instances = instances();
        Recording http = new Recording("http-bundle", true);

        instances.tenant("A", null, 11, Set.of("http", "dns"));
        assertThat(instances.running()).isEmpty(); // nobody provides http or dns yet
        instances.factory("http", http);
        assertThat(instances.running()).containsExactly("A/http");
        instances.tenant("B", null, 12, Set.of("dns"));
        assertThat(instances.running()).containsExactly("A/http");
        instances.tenant("A", null, 11, Set.of("dns")); // A stops listing http
        assertThat(instances.running()).isEmpty();
        assertThat(events).containsExactly("start http-bundle A/http {}", "stop http-bundle A/http");
    }

    @Test
    void eachInstanceIsPublishedWithItsTenantItsStackAndItsOwnDataFolder() {
        ProcessInstances instances = instances();
        instances.factory("http", new Recording("http-bundle", true));
        instances.tenant("A", null, 11, Set.of("http"));
        instances.tenant("B", null, 12, Set.of("http"));

        assertThat(published.get("A/http")).containsEntry("tenant", "A").containsEntry("service", "http")
                .containsEntry("stack.id", 11L)
                .containsEntry("data.folder", home.resolve("data/tenants/A/http").toString());
        assertThat(published.get("B/http")).containsEntry("stack.id", 12L);
        assertThat(home.resolve("data/tenants/B/http")).isDirectory();
        assertThat(home.resolve("log/tenants/B")).isDirectory();
    }

    @Test
    void aTenantThatGoesStopsItsInstancesAndNoOtherTenants() {
        ProcessInstances instances = instances();
        instances.factory("http", new Recording("http-bundle", true));
        instances.tenant("A", null, 11, Set.of("http"));
        instances.tenant("B", null, 12, Set.of("http"));

        instances.tenantGone("A");

        assertThat(instances.running()).containsExactly("B/http");
        assertThat(published).containsOnlyKeys("B/http");
    }

    @Test
    void aBundleThatGoesStopsItsInstancesAndASecondProviderTakesOver() {
        ProcessInstances instances = instances();
        Recording first = new Recording("first", true);
        Recording second = new Recording("second", true);
        instances.tenant("A", null, 11, Set.of("http"));
        instances.factory("http", first);
        instances.factory("http", second); // waits: the first one stays in use

        instances.factoryGone("http", first);
        instances.factoryGone("http", second);

        assertThat(events).containsExactly("start first A/http {}", "stop first A/http", "start second A/http {}",
                "stop second A/http");
        assertThat(instances.running()).isEmpty();
    }

    @Test
    void settingsReachTheInstanceOrRestartItWhenItCannotTakeThem() {
        ProcessInstances instances = instances();
        instances.factory("http", new Recording("http-bundle", true));
        instances.factory("greeting", new Recording("example", false));
        settingsFiles.put("A/greeting", Map.of("text", "v1"));
        instances.tenant("A", null, 11, Set.of("http", "greeting"));
        events.clear();

        settingsFiles.put("A/http", Map.of("port", "8080"));
        instances.settingsChanged("A", "http");
        settingsFiles.put("A/greeting", Map.of("text", "v2"));
        instances.settingsChanged("A", "greeting");

        assertThat(events).containsExactly("reconfigure A/http {port=8080}", "reconfigure A/greeting {text=v2}",
                "stop example A/greeting", "start example A/greeting {text=v2}");
    }

    @Test
    void anInstanceThatFailsToStartIsLoggedAndTriedAgainWhenItsSettingsChange() {
        ProcessInstances instances = instances();
        Recording http = new Recording("http-bundle", true);
        http.failing = true;
        instances.factory("http", http);
        instances.tenant("A", null, 11, Set.of("http"));
        instances.tenant("B", null, 12, Set.of("http"));
        assertThat(instances.running()).isEmpty();

        http.failing = false;
        instances.settingsChanged("A", "http");

        assertThat(instances.running()).containsExactly("A/http");
    }

    @Test
    void stopAllStopsEveryInstance() throws Exception {
        ProcessInstances instances = instances();
        instances.factory("http", new Recording("http-bundle", true));
        instances.tenant("A", null, 11, Set.of("http"));
        instances.tenant("B", null, 12, Set.of("http"));

        instances.stopAll();

        assertThat(instances.running()).isEmpty();
        assertThat(published).isEmpty();
        assertThat(Files.isDirectory(home.resolve("data/tenants/A/http"))).isTrue(); // data stays
    }
}
