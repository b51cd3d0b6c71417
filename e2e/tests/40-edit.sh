# shellcheck shell=bash
# Editing a tenant's address moves it live: the new address answers, the old one not.

test_tenant_address_edit() {
    require_appliance
    local new_ip=192.168.1.2 since
    check "site C answers $TENANT_IP before the edit" site_answers C "$TENANT_IP"
    watch_site A
    sleep 1
    since=$(now_ms)
    write_tenant C "$new_ip/24"
    on_test_exit "write_tenant C"
    expect_answers_within C "$new_ip" "$since" 3
    expect_eq "site C: MAC of $new_ip" "${TENANT_MAC[C]}" "$(site_neigh_mac C "$new_ip")"
    expect_silent_within C "$TENANT_IP" "$since" 3 4.5
    since=$(now_ms)
    write_tenant C
    expect_answers_within C "$TENANT_IP" "$since" 3
    expect_silent_within C "$new_ip" "$since" 3 4.5
    sleep 1
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while tenant C moved and came back" 20
}
