# shellcheck shell=bash
# Bad tenant files are rejected with a log line naming the file, the key and the offending
# value; the running tenants go on answering, and a duplicate VLAN never takes over the
# tenant that owns it.

# For each bad file (by tenant name): the key at fault and its value.
declare -A BAD_FILE_KEY=([e2ebad1]=vlan [e2ebad2]=vlan [e2ebad3]=address [e2ebad4]=mac)
declare -A BAD_FILE_VALUE=([e2ebad1]=5000 [e2ebad2]=600 [e2ebad3]=garbage [e2ebad4]=zz)

write_bad_files() {
    app_write_cfg "$(tenant_cfg_name e2ebad1)" "vlan=5000" "address=$TENANT_CIDR"
    # Tenant A's VLAN, with a MAC of its own: a take-over would show in site A's neighbour table.
    app_write_cfg "$(tenant_cfg_name e2ebad2)" "vlan=600" "address=$TENANT_CIDR" "mac=02:00:5e:e2:e0:dd"
    app_write_cfg "$(tenant_cfg_name e2ebad3)" "vlan=610" "address=garbage"
    app_write_cfg "$(tenant_cfg_name e2ebad4)" "vlan=611" "address=$TENANT_CIDR" "mac=zz"
}
remove_bad_files() {
    local name
    for name in "${!BAD_FILE_KEY[@]}"; do app_remove_cfg "$(tenant_cfg_name "$name")"; done
}

# rejection_lines NAME: log lines naming the bad file, its key (as a word) and its value.
rejection_lines() { app_log_find "tenant~$1.cfg" "${BAD_FILE_KEY[$1]}" "${BAD_FILE_VALUE[$1]}"; }

expect_scenario_tenants_answer() {
    local when=$1 site
    for site in A B C; do
        site_neigh_flush "$site"
        expect_eq "site $site $when: echo replies" 3 "$(site_ping_received "$site" "$TENANT_IP" 3)"
        expect_eq "site $site $when: MAC of $TENANT_IP" "${TENANT_MAC[$site]}" "$(site_neigh_mac "$site" "$TENANT_IP")"
    done
}

test_bad_files_rejected() {
    require_appliance
    local name since
    watch_site A
    sleep 1
    since=$(now_ms)
    write_bad_files
    on_test_exit remove_bad_files
    for name in "${!BAD_FILE_KEY[@]}"; do
        if wait_until "$(seconds_left "$since" 3)" rejection_lines "$name" >/dev/null; then
            note "$name: $(rejection_lines "$name" | head -1 | cut -c1-200)"
        else
            fail "no log line names the file of tenant $name, the key '${BAD_FILE_KEY[$name]}' and its value '${BAD_FILE_VALUE[$name]}' within 3 s; lines naming it: $(app_log_lines | grep -F "tenant~$name" | head -3 | tr '\n' ' ')"
        fi
    done
    sleep 1
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while bad files arrived (one claiming its VLAN)" 10
    expect_scenario_tenants_answer "with the bad files present"

    # Deleting the rejected duplicate must not tear down the tenant that owns VLAN 600.
    watch_site A
    sleep 1
    remove_bad_files
    sleep 4
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while the bad files were deleted" 15
    expect_scenario_tenants_answer "after the bad files were deleted"
}

# An operator's typo in a running tenant's own file: the tenant keeps its last good
# configuration and loses nothing.
test_bad_edit_keeps_running_tenant() {
    require_appliance
    local since lines
    watch_site B
    sleep 1
    since=$(now_ms)
    app_write_cfg "$(tenant_cfg_name B)" "vlan=601" "address=$TENANT_CIDR" "mac=zz"
    on_test_exit "write_tenant B"
    if wait_until "$(seconds_left "$since" 3)" app_log_find "tenant~B.cfg" mac zz >/dev/null; then
        note "$(app_log_find "tenant~B.cfg" mac zz | head -1 | cut -c1-200)"
    else
        lines=$(app_log_lines | grep -F "tenant~B" | tail -2 | tr '\n' ' ')
        fail "no log line names tenant B's file, the key 'mac' and 'zz' within 3 s; last lines naming it: $lines"
    fi
    sleep 2
    check "site B still reaches tenant B with its MAC after the bad edit" site_reaches_mac B "${TENANT_MAC[B]}"
    since=$(now_ms)
    write_tenant B
    sleep 3
    check "site B reaches tenant B after the file was repaired" site_reaches_mac B "${TENANT_MAC[B]}"
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site B while its tenant's file was broken and repaired" 25
}
