# shellcheck shell=bash
# Deleting a tenant's file silences it within 3 s; another tenant on the same VNI loses
# no packet meanwhile; restoring the file brings the tenant back within 3 s.

test_tenant_file_removal_and_restore() {
    require_appliance
    check "site B answers before the test" site_answers B "$TENANT_IP"
    watch_site A
    local since
    sleep 1
    since=$(now_ms)
    app_remove_cfg "$(tenant_cfg_name B)"
    on_test_exit "write_tenant B"
    expect_silent_within B "$TENANT_IP" "$since" 3 4.5
    since=$(now_ms)
    write_tenant B
    expect_answers_within B "$TENANT_IP" "$since" 3
    expect_eq "site B: MAC of $TENANT_IP after the restore" "${TENANT_MAC[B]}" "$(site_neigh_mac B "$TENANT_IP")"
    sleep 1
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while tenant B was removed and restored" 20
}
