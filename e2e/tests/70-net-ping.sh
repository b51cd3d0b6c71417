# shellcheck shell=bash
# The appliance pings into one customer network: net:ping A reaches site A's host only.

test_appliance_pings_site() {
    require_appliance
    local site output status
    declare -A echos_before
    for site in A B C; do echos_before[$site]=$(site_icmp_counter "$site" InEchos); done
    local replies_before
    replies_before=$(site_icmp_counter A OutEchoReps)
    output=$(app_client "net:ping A $SITE_HOST_IP 3" 2>&1)
    status=$?
    printf '%s\n' "$output" | sed 's/^/      /'
    expect_eq "exit status of net:ping A $SITE_HOST_IP 3" 0 "$status"
    expect_eq "site A: echo requests received" 3 $(($(site_icmp_counter A InEchos) - echos_before[A]))
    expect_eq "site A: echo replies sent" 3 $(($(site_icmp_counter A OutEchoReps) - replies_before))
    for site in B C; do
        expect_eq "site $site (same host address, other tenant): echo requests received" 0 \
            $(($(site_icmp_counter "$site" InEchos) - echos_before[$site]))
    done
}

test_appliance_arp_tables_per_tenant() {
    require_appliance
    local mac_a mac_b table_a table_b
    mac_a=$(site_host_mac A)
    mac_b=$(site_host_mac B)
    # Make sure both tenants have talked to their site's host.
    site_ping_received A "$TENANT_IP" 1 >/dev/null
    site_ping_received B "$TENANT_IP" 1 >/dev/null
    table_a=$(app_client "net:arp A" 2>&1) || fail "net:arp A failed: $table_a"
    table_b=$(app_client "net:arp B" 2>&1) || fail "net:arp B failed: $table_b"
    printf '%s\n' "net:arp A:" "$table_a" "net:arp B:" "$table_b" | sed 's/^/      /'
    grep -qi -- "$mac_a" <<<"$table_a" || fail "net:arp A does not show site A's host MAC $mac_a"
    grep -qi -- "$mac_b" <<<"$table_b" || fail "net:arp B does not show site B's host MAC $mac_b"
    grep -qi -- "$mac_b" <<<"$table_a" && fail "net:arp A shows site B's host MAC $mac_b"
    grep -qi -- "$mac_a" <<<"$table_b" && fail "net:arp B shows site A's host MAC $mac_a"
    return 0
}
