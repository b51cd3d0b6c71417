# shellcheck shell=bash
# The appliance comes up on the scenario's home and runs tenants A, B and C.

tenant_list_has_scenario() {
    local listing
    listing=$(app_client tenant:list 2>/dev/null) || return 1
    grep -qw A <<<"$listing" && grep -qw B <<<"$listing" && grep -qw C <<<"$listing"
}

test_appliance_starts() {
    require_appliance
    if ! wait_until 90 tenant_list_has_scenario; then
        app_alive || fatal "the appliance exited during start-up (status '$(app_exit_status)'): $(tail -5 "$APP_HOME/e2e/console.log" | tr '\n' ' ')"
        fatal "tenant:list did not list A, B and C within 90 s; last output: $(app_client tenant:list 2>&1 | tr '\n' ' ')"
    fi
    note "tenant:list lists A, B and C after $(fmt_ms "$WAITED_MS")s"
    app_client tenant:list | sed 's/^/      /'
}
