# shellcheck shell=bash
# Identical hosts behind different tunnels are each answered by their own tenant.

test_each_site_answered_by_own_tenant() {
    require_appliance
    local site received mac
    for site in A B C; do
        site_neigh_flush "$site"
        # The first request may wait for ARP; all three must be answered.
        received=$(site_ping_received "$site" "$TENANT_IP" 3)
        expect_eq "site $site: echo replies from $TENANT_IP" 3 "$received"
        mac=$(site_neigh_mac "$site" "$TENANT_IP")
        expect_eq "site $site: MAC of $TENANT_IP in the site's neighbour table (tenant $site)" "${TENANT_MAC[$site]}" "$mac"
    done
}

# unknown_tunnel_drops: the appliance's count of VXLAN packets from tunnels without a row,
# from flow:table's line "Tunnel drops: unknown-tunnel N, malformed M".
unknown_tunnel_drops() {
    app_client flow:table 2>/dev/null | sed -n 's/.*unknown-tunnel \([0-9]\+\).*/\1/p' | grep .
}

# expect_site_isolated SITE WHY: the site reaches nobody, and the appliance counts its frames.
expect_site_isolated() {
    local site=$1 why=$2 before after received mac
    before=$(unknown_tunnel_drops) || fatal "flow:table shows no unknown-tunnel drop counter: $(app_client flow:table 2>&1 | tr '\n' ' ')"
    site_neigh_flush "$site"
    received=$(site_ping_received "$site" "$TENANT_IP" 3)
    expect_eq "site $site ($why): echo replies" 0 "$received"
    mac=$(site_neigh_mac "$site" "$TENANT_IP")
    expect_eq "site $site ($why): resolved MAC for $TENANT_IP" "" "$mac"
    after=$(unknown_tunnel_drops)
    if ! [[ $after =~ ^[0-9]+$ ]] || ((after <= before)); then
        fail "site $site ($why): unknown-tunnel drops did not grow: before $before, after '$after'"
    else
        note "site $site ($why): unknown-tunnel drops $before -> $after"
    fi
}

test_unknown_tunnels_reach_nobody() {
    require_appliance
    expect_site_isolated X "VNI 199 has no row"
    expect_site_isolated Y "VNI 100 from a remote without a row"
}

site_rx_packets() { in_site "$1" cat /sys/class/net/vxlan0/statistics/rx_packets; }

# Sites sharing a VNI (A, B and the unknown Y on 100) or not (C) receive nothing of
# another site's traffic: no flooding, no reply sent to the wrong remote.
test_sites_see_only_their_own_traffic() {
    require_appliance
    local site received
    declare -A before
    # Settle every neighbour table first, so that no ARP is due during the burst.
    for site in A B C; do site_ping_received "$site" "$TENANT_IP" 1 >/dev/null; done
    sleep 1
    for site in B C Y; do before[$site]=$(site_rx_packets "$site"); done
    received=$(in_site A ping -n -q -c 20 -i 0.05 -W 1 "$TENANT_IP" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
    expect_eq "site A: replies to a burst of 20 echo requests" 20 "$received"
    for site in B C Y; do
        expect_eq "site $site: frames received while site A pinged" 0 $(($(site_rx_packets "$site") - before[$site]))
    done
}
