# shellcheck shell=bash
# Bad tenant files are rejected with a log line naming the file and the key; the running
# tenants go on answering, and a duplicate VLAN never takes over the tenant that owns it.

declare -A BAD_FILE_KEY=([e2ebad1]=vlan [e2ebad2]=vlan [e2ebad3]=address [e2ebad4]=mac)

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

# log_names_file_and_key NAME KEY: one log line names the file (by its tenant name) and the key.
log_names_file_and_key() {
    app_log_lines | grep -F "$1" | grep -qw -- "$2"
}

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
    local name
    watch_site A
    sleep 1
    write_bad_files
    on_test_exit remove_bad_files
    for name in "${!BAD_FILE_KEY[@]}"; do
        if wait_until 3 log_names_file_and_key "$name" "${BAD_FILE_KEY[$name]}"; then
            note "$name: $(app_log_lines | grep -F "$name" | grep -w -- "${BAD_FILE_KEY[$name]}" | head -1 | cut -c1-200)"
        else
            fail "no log line names both the file of tenant $name and the key '${BAD_FILE_KEY[$name]}' within 3 s; lines naming $name: $(app_log_lines | grep -F "$name" | head -3 | tr '\n' ' ')"
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
