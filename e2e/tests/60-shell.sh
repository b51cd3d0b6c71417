# shellcheck shell=bash
# tenant:add and tenant:remove write and delete the tenant's file and take effect live.

cfg_has() { grep -Eq "$2" "$(app_cfg_path "$1")" 2>/dev/null; }
cfg_absent() { [[ ! -e $(app_cfg_path "$1") ]]; }

test_shell_add_remove() {
    require_appliance
    local cfg output since
    cfg=$(tenant_cfg_name D)
    check "site D reaches nobody before tenant:add" site_silent D "$TENANT_IP"
    watch_site A
    sleep 1
    since=$(now_ms)
    output=$(app_client "tenant:add D 603 $TENANT_CIDR" 2>&1) || fail "tenant:add D 603 $TENANT_CIDR failed: $output"
    on_test_exit "app_remove_cfg $cfg"
    if [[ -e $(app_cfg_path "$cfg") ]]; then
        check "etc/$cfg.cfg holds vlan 603" cfg_has "$cfg" '^vlan[[:space:]]*[=:].*603'
        check "etc/$cfg.cfg holds the address" cfg_has "$cfg" "^address[[:space:]]*[=:].*192\\.168\\.1\\.1/24"
    else
        fail "tenant:add wrote no etc/$cfg.cfg (etc holds: $(ls "$(app_etc)" | tr '\n' ' '))"
    fi
    expect_answers_within D "$TENANT_IP" "$since" 3
    expect_eq "site D: MAC of $TENANT_IP (default for VLAN 603)" "${TENANT_MAC[D]}" "$(site_neigh_mac D "$TENANT_IP")"
    check "tenant:list lists D" tenant_listed D

    since=$(now_ms)
    output=$(app_client "tenant:remove D" 2>&1) || fail "tenant:remove D failed: $output"
    check "tenant:remove deleted etc/$cfg.cfg" cfg_absent "$cfg"
    expect_silent_within D "$TENANT_IP" "$since" 3 4.5
    check "tenant:list no longer lists D" wait_until 3 tenant_unlisted D
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while tenant D was added and removed" 20
}

# The client reports a failed command by its exit status, as scripts need.
test_client_reports_failure() {
    require_appliance
    local output
    if output=$(app_client "nosuch:command" 2>&1); then
        fail "client 'nosuch:command' exited 0; output: $output"
    else
        note "client 'nosuch:command' exited non-zero: $(head -1 <<<"$output")"
    fi
    app_client tenant:list >/dev/null || fail "client 'tenant:list' failed after a failed command"
}

# tenant:add writes a file, so the tenant is still there after a restart on the same home.
test_shell_changes_survive_restart() {
    require_appliance
    local cfg output pid
    cfg=$(tenant_cfg_name D)
    output=$(app_client "tenant:add D 603 $TENANT_CIDR" 2>&1) || fatal "tenant:add D 603 $TENANT_CIDR failed: $output"
    on_test_exit "app_remove_cfg $cfg"
    expect_answers_within D "$TENANT_IP" "$(now_ms)" 3
    pid=$(app_pid)
    kill -TERM "$pid"
    wait_until 30 app_dead || fatal "the appliance (pid $pid) still runs 30 s after SIGTERM"
    wait_until 5 test -s "$APP_HOME/e2e/exit-status"
    expect_eq "exit status after SIGTERM (before the restart)" 0 "$(app_exit_status)"
    app_start || fatal "could not start the appliance again"
    wait_until 90 tenant_listed D || fatal "tenant:list does not list D within 90 s of the restart"
    note "restarted; tenant:list lists D after $(fmt_ms "$WAITED_MS")s"
    expect_answers_within D "$TENANT_IP" "$(now_ms)" 3
    expect_eq "site D: MAC of $TENANT_IP after the restart" "${TENANT_MAC[D]}" "$(site_neigh_mac D "$TENANT_IP")"
    local site
    for site in A B C; do
        expect_eq "site $site: echo replies after the restart" 3 "$(site_ping_received "$site" "$TENANT_IP" 3)"
    done
    output=$(app_client "tenant:remove D" 2>&1) || fail "tenant:remove D failed: $output"
}
