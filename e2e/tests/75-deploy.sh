# shellcheck shell=bash
# Server processes and tenants that arrive as bundles.
#
# The example greeting server process (examples/greeting), dropped into deploy/, serves every
# tenant that lists `greeting`, each from its own stack: sites A and B (same addresses) are
# greeted by their own tenant's name; removing the jar stops exactly those instances.
# A tenant bundle (OSGi Configurator JSON + content) installed through the client brings
# tenant D up: site D pings it and reaches its greeting; uninstalling takes D down again.

GREETING_JAR=${GREETING_JAR:-$E2E_REPO/examples/greeting/target/io.multistack.example.greeting-0.1.0-SNAPSHOT.jar}
readonly GREETING_PORT=7000

# greet SITE: the line the site's tenant answers on the greeting port (nothing when refused).
greet() { in_site "$1" timeout 5 nc -w 3 "$TENANT_IP" "$GREETING_PORT" </dev/null 2>/dev/null; }
greeted_by() { [[ $(greet "$1") == "$2" ]]; }
greeting_refused() { ! in_site "$1" timeout 5 nc -z -w 3 "$TENANT_IP" "$GREETING_PORT" 2>/dev/null; }

# greeting_state TENANT: greeting's state in flow:table (running, waiting), or nothing.
greeting_state() { app_client flow:table 2>/dev/null | awk -v t="$1" '$1 == t && $2 == "greeting" {print $3; exit}'; }
greeting_is() { [[ $(greeting_state "$1") == "$2" ]]; }

# deploy_greeting: the example jar into deploy/ (copied beside, then renamed: never half a jar).
deploy_greeting() {
    [[ -f $GREETING_JAR ]] || fatal "no example jar at $GREETING_JAR (mvn -pl examples/greeting install)"
    cp "$GREETING_JAR" "$APP_HOME/e2e/greeting.jar" && mv -f "$APP_HOME/e2e/greeting.jar" "$APP_HOME/deploy/greeting.jar"
    on_test_exit "rm -f $APP_HOME/deploy/greeting.jar"
}

# greeting_listed_by SITE...: the sites' tenants list the greeting service (files restored afterwards).
greeting_listed_by() {
    local site lines
    for site in "$@"; do
        lines=("vlan=${TENANT_VLAN[$site]}" "address=$TENANT_CIDR" "services=greeting")
        [[ $site == A ]] && lines+=("mac=$TENANT_A_MAC")
        app_write_cfg "$(tenant_cfg_name "$site")" "${lines[@]}" || fatal "could not write tenant $site's file"
        on_test_exit "write_tenant $site"
    done
}

test_deploy_greeting_bundle() {
    require_appliance
    greeting_listed_by A B
    for site in A B; do
        wait_until 10 greeting_is "$site" waiting ||
            fail "tenant $site lists greeting, no bundle provides it: flow:table should say waiting, says '$(greeting_state "$site")'"
    done
    check "site A: nothing on port $GREETING_PORT before the jar arrives" greeting_refused A

    local since
    since=$(now_ms)
    deploy_greeting
    for site in A B; do
        wait_until 10 greeted_by "$site" "Hello from tenant $site (greeting v1)" ||
            fail "site $site: not greeted by its own tenant within 10 s of the drop; got '$(greet "$site")', flow:table: $(greeting_state "$site")"
    done
    note "sites A and B (same address) each greeted by their own tenant $(fmt_ms $(($(now_ms) - since)))s after the drop"
    check "site C's tenant does not list greeting: refused" greeting_refused C
    check "flow:table: A's greeting running" greeting_is A running

    rm -f "$APP_HOME/deploy/greeting.jar"
    for site in A B; do
        wait_until 10 greeting_refused "$site" || fail "site $site: still greeted 10 s after the jar was removed"
        wait_until 5 greeting_is "$site" waiting || fail "tenant $site: greeting not back to waiting after the removal"
    done
    note "jar removed: A and B refused, their greeting waiting again"
}

# write_tenant_bundle JAR: tenant D (VLAN 603, services greeting, its own greeting text)
# as a tenant bundle, with a page under tenant/www.
write_tenant_bundle() {
    /usr/bin/python3 - "$1" <<'PY'
import sys, zipfile
manifest = "\r\n".join([
    "Manifest-Version: 1.0",
    "Bundle-ManifestVersion: 2",
    "Bundle-SymbolicName: io.multistack.tenant.D",
    "Bundle-Version: 1.0.0",
    "Multistack-Tenant: D",
    'Require-Capability: osgi.extender;filter:="(&(osgi.extender=osgi.config',
    ' urator)(version>=1.0)(!(version>=2.0)))"',
    "", ""])
configuration = """{
  ":configurator:resource-version": 1,
  "io.multistack.tenant~D": { "vlan": "603", "address": "192.168.1.1/24", "services": "greeting" },
  "io.multistack.greeting~D": { "text": "from a tenant bundle" }
}
"""
with zipfile.ZipFile(sys.argv[1], "w") as jar:
    jar.writestr("META-INF/MANIFEST.MF", manifest)
    jar.writestr("OSGI-INF/configurator/tenant-D.json", configuration)
    jar.writestr("tenant/www/index.html", "<h1>tenant D</h1>\n")
PY
}

test_tenant_bundle_install_uninstall() {
    require_appliance
    check "site D silent before its tenant bundle" site_silent D "$TENANT_IP"
    deploy_greeting
    local jar="$APP_HOME/e2e/tenant-D.jar" id output since
    write_tenant_bundle "$jar" || fatal "could not write $jar"

    output=$(app_client "install file:$jar") || fatal "install failed: $output"
    id=$(awk '/Bundle ID:/ {print $3}' <<<"$output")
    [[ -n $id ]] || fatal "install printed no bundle id: $output"
    # Gone already when the test got as far as uninstalling it.
    on_test_exit "app_client 'uninstall $id' >/dev/null 2>&1 || true"
    since=$(now_ms)
    output=$(app_client "start $id") || fatal "start $id failed: $output"
    expect_answers_within D "$TENANT_IP" "$since" 5
    wait_until 10 greeted_by D "Hello from tenant D (greeting from a tenant bundle)" ||
        fail "site D: not greeted by tenant D with the bundle's settings; got '$(greet D)'"
    expect_eq "the bundle's page in data/tenants/D/www" "<h1>tenant D</h1>" "$(cat "$APP_HOME/data/tenants/D/www/index.html" 2>&1)"

    since=$(now_ms)
    output=$(app_client "uninstall $id") || fail "uninstall $id failed: $output"
    expect_silent_within D "$TENANT_IP" "$since" 3 4.5
    check "tenant D gone from tenant:list" tenant_unlisted D
    check "site A (another tenant) still answers" site_answers A "$TENANT_IP"
}
