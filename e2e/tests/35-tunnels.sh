# shellcheck shell=bash
# Tunnel rows are configuration too: re-pointing, deleting and restoring a site's row
# takes effect within 3 s; the other site on the same VNI loses nothing; bad rows are
# rejected and never hijack a site.

# site_reaches_mac SITE MAC: after a fresh ARP, the site's 192.168.1.1 is the host with MAC.
site_reaches_mac() {
    site_neigh_flush "$1"
    site_answers "$1" "$TENANT_IP" && [[ $(site_neigh_mac "$1" "$TENANT_IP") == "$2" ]]
}

test_tunnel_row_remap_remove_restore() {
    require_appliance
    local since mac_e
    mac_e=$(default_mac 604)
    # A tenant of its own for site B to be re-pointed at: VLAN 604 has no other row.
    app_write_cfg "$(tenant_cfg_name E)" "vlan=604" "address=$TENANT_CIDR"
    on_test_exit "app_remove_cfg $(tenant_cfg_name E)"
    wait_until 3 tenant_listed E || fatal "tenant E (VLAN 604) did not come up within 3 s"
    check "site B reaches tenant B before the test" site_reaches_mac B "${TENANT_MAC[B]}"
    watch_site A
    sleep 1

    since=$(now_ms)
    app_write_cfg "$(tunnel_cfg_name B)" "remote=${SITE_IP[B]}" "vni=${SITE_VNI[B]}" "vlan=604"
    on_test_exit "write_tunnel B 601"
    if wait_until "$(seconds_left "$since" 3)" site_reaches_mac B "$mac_e"; then
        note "site B reaches tenant E ($mac_e) $(fmt_ms "$WAITED_MS")s after its row moved to VLAN 604"
    else
        fail "site B does not reach tenant E ($mac_e) within 3 s of its row moving to VLAN 604 (neighbour: '$(site_neigh_mac B "$TENANT_IP")')"
    fi

    since=$(now_ms)
    app_remove_cfg "$(tunnel_cfg_name B)"
    expect_silent_within B "$TENANT_IP" "$since" 3 4.5

    since=$(now_ms)
    write_tunnel B 601
    if wait_until "$(seconds_left "$since" 3)" site_reaches_mac B "${TENANT_MAC[B]}"; then
        note "site B reaches tenant B again $(fmt_ms "$WAITED_MS")s after its row came back"
    else
        fail "site B does not reach tenant B within 3 s of its row coming back"
    fi
    sleep 1
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A (same VNI as B) while B's row moved, went and came back" 30
    check "site A still reaches tenant A" site_reaches_mac A "${TENANT_MAC[A]}"
}

# For each bad row (by name): words one log line must hold besides the file's name.
declare -A BAD_ROW_WORDS=(
    [e2ebadt1]="remote 203.0.113.11" # site A's (remote, VNI) again, towards tenant C
    [e2ebadt2]="remote garbage"
    [e2ebadt3]="vni 16777216"
    [e2ebadt4]="vlan 0"
)

# shellcheck disable=SC2086 # the words are split on purpose
bad_row_lines() { app_log_find "tunnel~$1.cfg" ${BAD_ROW_WORDS[$1]}; }

remove_bad_rows() {
    local name
    for name in "${!BAD_ROW_WORDS[@]}"; do app_remove_cfg "$(tunnel_cfg_name "$name")"; done
}

test_bad_tunnel_rows_rejected() {
    require_appliance
    local name since
    watch_site A
    sleep 1
    since=$(now_ms)
    app_write_cfg "$(tunnel_cfg_name e2ebadt1)" "remote=${SITE_IP[A]}" "vni=${SITE_VNI[A]}" "vlan=602"
    app_write_cfg "$(tunnel_cfg_name e2ebadt2)" "remote=garbage" "vni=100" "vlan=602"
    app_write_cfg "$(tunnel_cfg_name e2ebadt3)" "remote=203.0.113.99" "vni=16777216" "vlan=602"
    app_write_cfg "$(tunnel_cfg_name e2ebadt4)" "remote=203.0.113.99" "vni=100" "vlan=0"
    on_test_exit remove_bad_rows
    for name in "${!BAD_ROW_WORDS[@]}"; do
        if wait_until "$(seconds_left "$since" 3)" bad_row_lines "$name" >/dev/null; then
            note "$name: $(bad_row_lines "$name" | head -1 | cut -c1-200)"
        else
            fail "no log line names the file of row $name and '${BAD_ROW_WORDS[$name]}' within 3 s; lines naming it: $(app_log_lines | grep -F "tunnel~$name" | head -2 | tr '\n' ' ')"
        fi
    done
    sleep 1
    check "site A still reaches tenant A, not tenant C" site_reaches_mac A "${TENANT_MAC[A]}"
    remove_bad_rows
    sleep 4
    check "site A still reaches tenant A after the bad rows were deleted" site_reaches_mac A "${TENANT_MAC[A]}"
    cping_stop "$WATCH_PID"
    expect_lossless "$WATCH_LOG" "site A while bad rows (one with its own remote and VNI) came and went" 30
}
