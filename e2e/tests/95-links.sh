# shellcheck shell=bash
# Real links (issue 8): the patent's two machines as two appliances joined by a VLAN trunk,
# a tenant on a whole interface of its own, and an appliance without the rights to open links.
#
# The trunk tests build their own appliances and namespaces (lib/links.sh):
#
#   $E2E_PREFIX-ls1 198.51.100.11 ─┐ VXLAN VNI 100   $E2E_PREFIX-lacc        trunk link t      $E2E_PREFIX-lsrv
#   $E2E_PREFIX-ls2 198.51.100.12 ─┴─ br0 198.51.100.1 ACCESS appliance  ── tagged frames ──  SERVER appliance
#     host 192.168.1.10/24 at both   tunnel rows s1 -> VLAN 700, s2 -> 701   (listen=off)      T1 VLAN 700, T2 VLAN 701,
#                                    access trunk=t, no tenants                                 both 192.168.1.1/24, trunk=t
#
# with the trunk either a veth pair (an AF_PACKET link at each end, both named tk0) or two
# TAPs the appliances create (tka, tks), moved into $E2E_PREFIX-lbr onto a plain bridge.
#
#   test_links_trunk_veth_packet         sites with colliding hosts reach their own tenant (ping,
#   test_links_trunk_tap_bridge          MAC, HTTP page, TCP echo) through the trunk; counters move
#   test_links_trunk_veth_lost_and_back  the veth pair deleted and re-created: reported, survived
#   test_links_whole_interface_tenant    the suite's appliance gives tenant W a TAP of its own, moved
#                                        into a namespace with a Linux host; that namespace deleted
#   test_links_second_owner_refused      a link held whole by one tenant is refused to others
#   test_links_unprivileged_appliance    uid 65534 without capabilities: links down with the errno,
#                                        the rest of the appliance serves its site

# shellcheck source=e2e/lib/links.sh
source "$E2E_DIR/lib/links.sh"

readonly LNK_ACCESS_IP=198.51.100.1
readonly LNK_TENANT_IP=192.168.1.1
declare -rA LNK_SITE_IP=([s1]=198.51.100.11 [s2]=198.51.100.12)
declare -rA LNK_SITE_TENANT=([s1]=T1 [s2]=T2)
declare -rA LNK_TENANT_VLAN=([T1]=700 [T2]=701)
declare -rA LNK_TENANT_MAC=([T1]=02:00:5e:e2:e1:01 [T2]=02:00:5e:e2:e1:02)

lnk_page() { echo "<html><body>tenant $1 behind the trunk</body></html>"; }

# lnk_www NAME TENANT TEXT: the tenant's index.html in appliance NAME's home.
lnk_www() {
    mkdir -p "${LNK_HOME[$1]}/data/tenants/$2/www" && printf '%s\n' "$3" >"${LNK_HOME[$1]}/data/tenants/$2/www/index.html"
}

# links_pair_up KIND: the access appliance (lacc) and the server appliance (lsrv) with trunk
# link t of type KIND (packet or tap) at each end, and sites s1, s2; everything started.
links_pair_up() {
    local kind=$1 access_if=tk0 server_if=tk0 site tenant
    [[ $kind == tap ]] && { access_if=tka; server_if=tks; }
    lnk_ns_up lacc && lnk_ns_up lsrv && lnk_underlay_up lacc "$LNK_ACCESS_IP" ||
        fatal "could not create the appliances' namespaces"
    for site in s1 s2; do
        lnk_site_up "$site" lacc "$LNK_ACCESS_IP" "${LNK_SITE_IP[$site]}" 100 192.168.1.10/24 ||
            fatal "could not create site $site"
    done
    if [[ $kind == packet ]]; then
        ip -n "$(lnk_ns lacc)" link add tk0 type veth peer name tk0 netns "$(lnk_ns lsrv)" &&
            ip -n "$(lnk_ns lacc)" link set tk0 up && ip -n "$(lnk_ns lsrv)" link set tk0 up ||
            fatal "could not create the veth pair tk0"
    fi
    lnk_app_home lacc && lnk_app_home lsrv || fatal "could not create the appliances' homes"
    lnk_cfg lacc io.multistack.link~t "type=$kind" "interface=$access_if"
    lnk_cfg lacc io.multistack.access.vxlan "listen=$LNK_ACCESS_IP:$VXLAN_PORT" "trunk=t"
    for site in s1 s2; do
        lnk_cfg lacc "io.multistack.access.tunnel~$site" "remote=${LNK_SITE_IP[$site]}" "vni=100" \
            "vlan=${LNK_TENANT_VLAN[${LNK_SITE_TENANT[$site]}]}"
    done
    lnk_cfg lsrv io.multistack.link~t "type=$kind" "interface=$server_if"
    lnk_cfg lsrv io.multistack.access.vxlan "listen=off"
    for tenant in T1 T2; do
        lnk_cfg lsrv "io.multistack.tenant~$tenant" "vlan=${LNK_TENANT_VLAN[$tenant]}" "trunk=t" \
            "address=$LNK_TENANT_IP/24" "mac=${LNK_TENANT_MAC[$tenant]}" "services=echo,http"
        lnk_www lsrv "$tenant" "$(lnk_page "$tenant")"
    done
    lnk_app_start lacc && lnk_app_start lsrv || fatal "could not start the appliances"
    lnk_expect_started lsrv T2 tenant:list
    lnk_expect_started lacc t link:list
    lnk_expect_started lsrv t link:list
    if [[ $kind == tap ]]; then
        links_bridge_taps
    fi
    check "link t of the access appliance is up" wait_until 10 lnk_link_up lacc t
    check "link t of the server appliance is up" wait_until 10 lnk_link_up lsrv t
}

# links_bridge_taps: the TAPs each appliance created in its namespace go onto bridge br0 of
# namespace lbr (a move keeps the appliance's descriptor; the TAP is down after it).
links_bridge_taps() {
    lnk_ns_up lbr && ip -n "$(lnk_ns lbr)" link add br0 type bridge && ip -n "$(lnk_ns lbr)" link set br0 up ||
        fatal "could not create the bridge namespace"
    local name tap
    for name in lacc:tka lsrv:tks; do
        tap=${name#*:}
        name=${name%:*}
        wait_until 20 ip -n "$(lnk_ns "$name")" link show "$tap" >/dev/null 2>&1 ||
            fatal "appliance $name did not create TAP $tap within 20 s: $(lnk_client "$name" link:list 2>&1 | tr '\n' ' ')"
        ip -n "$(lnk_ns "$name")" link set "$tap" netns "$(lnk_ns lbr)" &&
            ip -n "$(lnk_ns lbr)" link set "$tap" master br0 up ||
            fatal "could not move TAP $tap onto the bridge"
    done
    note "TAPs tka (access) and tks (server) on bridge br0 of $(lnk_ns lbr)"
}

# links_counters NAME: "frames-in frames-out" of link t in appliance NAME.
links_counters() {
    local list
    list=$(lnk_client "$1" link:list 2>/dev/null)
    echo "$(lnk_cell "$list" FRAMES-IN t TYPE) $(lnk_cell "$list" FRAMES-OUT t TYPE)"
}

# links_expect_sites_reach_own_tenants KIND: every check of the trunk scenario.
links_expect_sites_reach_own_tenants() {
    local kind=$1 site tenant received mac body echoed text table before_acc before_srv after
    local -A rows_before=() tunnels_before=()
    for site in s1 s2; do
        wait_until 20 lnk_answers "$site" "$LNK_TENANT_IP" ||
            fatal "site $site: $LNK_TENANT_IP does not answer through the $kind trunk within 20 s"
    done
    before_acc=$(links_counters lacc)
    before_srv=$(links_counters lsrv)
    table=$(lnk_client lsrv flow:table 2>&1)
    for tenant in T1 T2; do rows_before[$tenant]=$(lnk_cell "$table" FRAMES-IN "$tenant"); done
    table=$(lnk_client lacc flow:table 2>&1)
    for site in s1 s2; do tunnels_before[$site]=$(lnk_cell "$table" PACKETS-IN "$site"); done

    for site in s1 s2; do
        tenant=${LNK_SITE_TENANT[$site]}
        lnk_in "$site" ip neigh flush dev vxlan0
        received=$(lnk_ping_received "$site" "$LNK_TENANT_IP" 5)
        expect_eq "site $site: echo replies from $LNK_TENANT_IP (tenant $tenant)" 5 "$received"
        mac=$(lnk_neigh_mac "$site" vxlan0 "$LNK_TENANT_IP")
        expect_eq "site $site: MAC of $LNK_TENANT_IP (tenant $tenant)" "${LNK_TENANT_MAC[$tenant]}" "$mac"
        body=$(lnk_curl "$site" "http://$LNK_TENANT_IP/" 2>&1)
        expect_eq "site $site: page of http://$LNK_TENANT_IP/" "$(lnk_page "$tenant")" "$body"
        text="site $site over the $kind trunk $RANDOM"
        echoed=$(lnk_tcp_echo "$site" "$LNK_TENANT_IP" "$text")
        expect_eq "site $site: TCP echo" "$text" "$echoed"
    done

    after=$(links_counters lacc)
    note "access link t frames in/out: $before_acc -> $after"
    lnk_counter_grew "${before_acc% *}" "${after% *}" || fail "access appliance: link t frames-in did not grow ($before_acc -> $after)"
    lnk_counter_grew "${before_acc#* }" "${after#* }" || fail "access appliance: link t frames-out did not grow ($before_acc -> $after)"
    after=$(links_counters lsrv)
    note "server link t frames in/out: $before_srv -> $after"
    lnk_counter_grew "${before_srv% *}" "${after% *}" || fail "server appliance: link t frames-in did not grow ($before_srv -> $after)"
    lnk_counter_grew "${before_srv#* }" "${after#* }" || fail "server appliance: link t frames-out did not grow ($before_srv -> $after)"

    table=$(lnk_client lsrv flow:table 2>&1)
    printf '%s\n' "$table" | sed 's/^/      lsrv: /'
    for tenant in T1 T2; do
        links_expect_row_words "server flow:table" "$table" "$tenant" t "${LNK_TENANT_VLAN[$tenant]}" up
        after=$(lnk_cell "$table" FRAMES-IN "$tenant")
        lnk_counter_grew "${rows_before[$tenant]}" "$after" ||
            fail "server flow:table: FRAMES-IN of $tenant did not grow (${rows_before[$tenant]} -> $after)"
    done
    table=$(lnk_client lsrv tenant:list 2>&1)
    for tenant in T1 T2; do
        links_expect_row_words "server tenant:list" "$table" "$tenant" t "${LNK_TENANT_VLAN[$tenant]}"
    done
    table=$(lnk_client lacc flow:table 2>&1)
    printf '%s\n' "$table" | sed 's/^/      lacc: /'
    for site in s1 s2; do
        after=$(lnk_cell "$table" PACKETS-IN "$site")
        lnk_counter_grew "${tunnels_before[$site]}" "$after" ||
            fail "access flow:table: PACKETS-IN of tunnel $site did not grow (${tunnels_before[$site]} -> $after)"
    done
    lnk_client lacc link:list 2>&1 | sed 's/^/      lacc: /'
    lnk_client lsrv link:list 2>&1 | sed 's/^/      lsrv: /'
    expect_eq "access link t downs" 0 "$(lnk_link_cell lacc t DOWNS)"
    expect_eq "server link t downs" 0 "$(lnk_link_cell lsrv t DOWNS)"
    # An access-only appliance holds no tenant; a server-only one listens for no VXLAN.
    [[ -z $(lnk_client lacc tenant:list 2>/dev/null | awk 'NR > 1 && NF > 0') ]] ||
        fail "the access appliance lists tenants: $(lnk_client lacc tenant:list 2>&1 | tr '\n' ' ')"
    [[ -z $(lnk_in lsrv ss -Hlun "sport = :$VXLAN_PORT") ]] || fail "the server appliance (listen=off) listens on UDP $VXLAN_PORT"
}

# links_expect_row_words WHAT TABLE KEY WORD...: the row of KEY holds every WORD as a word
# (in flow:table: the lower mapping's row, the table with FRAMES-IN).
links_expect_row_words() {
    local what=$1 table=$2 key=$3 row word
    shift 3
    row=$(lnk_row "$table" "$key" FRAMES-IN)
    [[ -n $row ]] || { fail "$what: no row for $key"; return 1; }
    for word in "$@"; do
        grep -qw -- "$word" <<<"$row" || fail "$what: row of $key lacks '$word': $row"
    done
}

test_links_trunk_veth_packet() {
    links_pair_up packet
    links_expect_sites_reach_own_tenants packet
}

test_links_trunk_tap_bridge() {
    links_pair_up tap
    links_expect_sites_reach_own_tenants tap
}

# links_flow_state NAME TENANT: the state of TENANT's flow in appliance NAME's flow:table.
links_flow_state() { lnk_cell "$(lnk_client "$1" flow:table 2>/dev/null)" STATE "$2" FRAMES-IN; }
links_flow_down() { [[ $(links_flow_state "$1" "$2") == *down* ]]; }
links_flow_up() { [[ $(links_flow_state "$1" "$2") == up ]]; }

# The trunk's veth pair disappears: both appliances keep running, the server's flows and the
# access server's trunk say the link is down, the sites get no answer; a new veth pair of the
# same names carries the same flows again, without touching any configuration.
test_links_trunk_veth_lost_and_back() {
    links_pair_up packet
    wait_until 20 lnk_answers s1 "$LNK_TENANT_IP" || fatal "site s1 does not reach T1 before the trunk is lost"
    ip -n "$(lnk_ns lacc)" link delete tk0 || fatal "could not delete veth tk0"
    wait_until 10 links_flow_down lsrv T1 ||
        fail "server flow:table: T1's flow is '$(links_flow_state lsrv T1)' 10 s after the trunk's veth was deleted, expected a 'down' state"
    note "server flow:table: T1's flow is '$(links_flow_state lsrv T1)'"
    lnk_client lacc flow:table 2>/dev/null | grep -F 'Access table' | grep -q 'down' ||
        fail "access flow:table does not say its trunk is down: $(lnk_client lacc flow:table 2>&1 | grep -F 'Access table')"
    wait_until 10 lnk_output_has_word lacc link:list down || fail "access link:list does not show link t down"
    lnk_answers s1 "$LNK_TENANT_IP" && fail "site s1 still gets answers without a trunk"
    lnk_app_alive lacc && lnk_app_alive lsrv || fatal "an appliance exited when the trunk went away"

    ip -n "$(lnk_ns lacc)" link add tk0 type veth peer name tk0 netns "$(lnk_ns lsrv)" &&
        ip -n "$(lnk_ns lacc)" link set tk0 up && ip -n "$(lnk_ns lsrv)" link set tk0 up ||
        fatal "could not re-create the veth pair tk0"
    local since
    since=$(now_ms)
    wait_until 15 lnk_link_up lacc t && wait_until 5 lnk_link_up lsrv t ||
        fail "link t not up again within 15 s of the new veth pair"
    wait_until 15 links_flow_up lsrv T1 || fail "server flow:table: T1's flow is '$(links_flow_state lsrv T1)', not up again"
    local site
    for site in s1 s2; do
        wait_until 15 lnk_answers "$site" "$LNK_TENANT_IP" || fail "site $site: no answer within 15 s of the new veth pair"
    done
    note "sites answered again $(fmt_ms $(($(now_ms) - since)))s after the new veth pair"
    expect_eq "site s2: page after the trunk came back" "$(lnk_page T2)" "$(lnk_curl s2 "http://$LNK_TENANT_IP/" 2>&1)"
    (($(lnk_link_cell lsrv t DOWNS) >= 1)) || fail "server link:list: DOWNS of t is '$(lnk_link_cell lsrv t DOWNS)', expected >= 1"
}

# --- a tenant on a whole interface ------------------------------------------------------

readonly LNK_WHOLE_TAP=wtap0 LNK_WHOLE_MAC=02:00:5e:e2:e0:77
LNK_WHOLE_TENANT_IP=192.168.77.1
LNK_WHOLE_HOST_IP=192.168.77.2

lnk_whole_page() { echo "<html><body>tenant W on a whole interface</body></html>"; }

# links_whole_host NS_NAME: moves the appliance's TAP into a new namespace with a Linux host.
links_whole_host() {
    local ns
    ns=$(lnk_ns "$1")
    lnk_ns_up "$1" || fatal "could not create namespace $ns"
    wait_until 10 in_hub ip link show "$LNK_WHOLE_TAP" >/dev/null 2>&1 ||
        fatal "no TAP $LNK_WHOLE_TAP in the appliance's namespace within 10 s: $(app_client link:list 2>&1 | tr '\n' ' ')"
    ip -n "$HUB_NS" link set "$LNK_WHOLE_TAP" netns "$ns" &&
        ip -n "$ns" addr add "$LNK_WHOLE_HOST_IP/24" dev "$LNK_WHOLE_TAP" &&
        ip -n "$ns" link set "$LNK_WHOLE_TAP" up || fatal "could not move $LNK_WHOLE_TAP into $ns"
}

# links_whole_expect_served NS_NAME WHY: ping, HTTP and TCP echo from the host to tenant W.
links_whole_expect_served() {
    local host=$1 why=$2 text
    wait_until 10 lnk_answers "$host" "$LNK_WHOLE_TENANT_IP" ||
        fail "$why: host does not reach tenant W ($LNK_WHOLE_TENANT_IP) within 10 s"
    expect_eq "$why: echo replies" 5 "$(lnk_ping_received "$host" "$LNK_WHOLE_TENANT_IP" 5)"
    expect_eq "$why: MAC of tenant W" "$LNK_WHOLE_MAC" "$(lnk_neigh_mac "$host" "$LNK_WHOLE_TAP" "$LNK_WHOLE_TENANT_IP")"
    expect_eq "$why: page" "$(lnk_whole_page)" "$(lnk_curl "$host" "http://$LNK_WHOLE_TENANT_IP/" 2>&1)"
    text="untagged $why $RANDOM"
    expect_eq "$why: TCP echo" "$text" "$(lnk_tcp_echo "$host" "$LNK_WHOLE_TENANT_IP" "$text")"
}

links_w_flow_state() { lnk_cell "$(app_client flow:table 2>/dev/null)" STATE W FRAMES-IN; }
links_w_flow_state_is() { [[ $(links_w_flow_state) == "$1" ]]; }
links_w_downs() { lnk_cell "$(app_client link:list 2>/dev/null)" DOWNS w TYPE; }
links_w_down_counted() { [[ $(links_w_downs) =~ ^[0-9]+$ ]] && (($(links_w_downs) >= 1)); }
links_w_tap_back() { in_hub ip link show "$LNK_WHOLE_TAP" >/dev/null 2>&1; }

test_links_whole_interface_tenant() {
    require_appliance
    local www="$APP_HOME/data/tenants/W/www" table
    on_test_exit "app_remove_cfg io.multistack.tenant~W; app_remove_cfg io.multistack.link~w; rm -rf '$APP_HOME/data/tenants/W'"
    mkdir -p "$www" && lnk_whole_page >"$www/index.html"
    # The tenant first: its flow waits for the link, and says so.
    app_write_cfg io.multistack.tenant~W link=w "address=$LNK_WHOLE_TENANT_IP/24" "mac=$LNK_WHOLE_MAC" services=echo,http
    wait_until 20 tenant_listed W || fatal "tenant W not listed within 20 s: $(app_client tenant:list 2>&1 | tr '\n' ' ')"
    wait_until 5 links_w_flow_state_is "link absent" ||
        fail "flow:table: state of tenant W's flow is '$(links_w_flow_state)', expected 'link absent' (no link w yet)"
    app_write_cfg io.multistack.link~w type=tap "interface=$LNK_WHOLE_TAP"
    wait_until 10 links_w_flow_state_is up ||
        fail "flow:table: state of tenant W's flow is '$(links_w_flow_state)' 10 s after link w was configured, expected 'up'"

    links_whole_host lwh1
    links_whole_expect_served lwh1 "host in $(lnk_ns lwh1)"
    table=$(app_client flow:table 2>&1)
    links_expect_row_words "flow:table" "$table" W w up
    [[ $(lnk_cell "$table" VLAN W) =~ ^(-|0)$ ]] || fail "flow:table: VLAN of tenant W is '$(lnk_cell "$table" VLAN W)', expected '-' or 0"
    links_expect_row_words "tenant:list" "$(app_client tenant:list 2>&1)" W w

    # The host's namespace goes away, and the TAP with it.
    ip netns delete "$(lnk_ns lwh1)"
    wait_until 10 links_w_down_counted || fail "link:list does not count a down of link w within 10 s: $(app_client link:list 2>&1 | tr '\n' ' ')"
    wait_until 15 links_w_tap_back || fail "the appliance did not re-create TAP $LNK_WHOLE_TAP within 15 s"
    app_client link:list 2>&1 | sed 's/^/      /'
    app_log_find "Link w" down >/dev/null || fail "the log has no line saying link w went down"
    require_appliance
    check "site A still answered by tenant A" site_answers A "$TENANT_IP"
    check "site B still answered by tenant B" site_answers B "$TENANT_IP"

    # A new host gets the new TAP.
    links_whole_host lwh2
    links_whole_expect_served lwh2 "host in a fresh namespace $(lnk_ns lwh2)"
}

# links_refusal_line TENANT: the log line refusing TENANT the link w.
links_refusal_line() { app_log_lines | grep -F "~$1.cfg" | grep -w w | grep -iE 'in use|used by|held|holds|refus' | head -1; }
links_refusal_logged() { [[ -n $(links_refusal_line "$1") ]]; }

# links_expect_refused TENANT: a log line refuses TENANT the link w and names its holder, tenant W.
links_expect_refused() {
    local line
    wait_until 10 links_refusal_logged "$1" ||
        { fail "no log line refusing tenant $1 the link w within 10 s: $(app_log_lines | grep -F "$1" | tail -3 | tr '\n' ' ')"; return; }
    line=$(links_refusal_line "$1")
    note "log: $line"
    [[ $line =~ tenant\ W([^0-9A-Za-z]|$) ]] || fail "the refusal of $1 does not name the holder (tenant W): $line"
    tenant_listed "$1" && fail "tenant $1 is listed although its link is taken"
}

# A link has one owner: a second tenant naming tenant W's link, whole or as a VLAN trunk, is
# refused, the log names the holder, and W keeps its interface.
test_links_second_owner_refused() {
    require_appliance
    on_test_exit "app_remove_cfg io.multistack.tenant~W2; app_remove_cfg io.multistack.tenant~W3; app_remove_cfg io.multistack.tenant~W; app_remove_cfg io.multistack.link~w"
    app_write_cfg io.multistack.link~w type=tap "interface=$LNK_WHOLE_TAP"
    app_write_cfg io.multistack.tenant~W link=w "address=$LNK_WHOLE_TENANT_IP/24" "mac=$LNK_WHOLE_MAC"
    wait_until 20 tenant_listed W || fatal "tenant W not listed within 20 s"
    wait_until 10 links_w_tap_back || fatal "no TAP $LNK_WHOLE_TAP within 10 s"
    app_write_cfg io.multistack.tenant~W2 link=w address=192.168.78.1/24
    links_expect_refused W2
    app_write_cfg io.multistack.tenant~W3 vlan=900 trunk=w address=192.168.79.1/24
    links_expect_refused W3
    links_expect_row_words "flow:table" "$(app_client flow:table 2>&1)" W w up
    expect_eq "user of link w in link:list" "tenant W" "$(lnk_cell "$(app_client link:list 2>/dev/null)" USED-BY w TYPE)"
}

# --- an appliance without the rights for links -----------------------------------------

readonly LNK_NOBODY=65534

# links_down_with LINK ERRNO: link:list of appliance lunp shows LINK down, with ERRNO in its row.
links_down_with() {
    [[ $(lnk_link_cell lunp "$1" STATE) == down* ]] && lnk_row "$(lnk_client lunp link:list 2>/dev/null)" "$1" | grep -qw "$2"
}

# links_tap_errno: what an unprivileged TAP creation fails with here: EPERM from TUNSETIFF, or
# EACCES already from open() where /dev/net/tun is not open to everyone (mode 0600).
links_tap_errno() {
    if setpriv "--reuid=$LNK_NOBODY" "--regid=$LNK_NOBODY" --clear-groups sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
        echo EPERM
    else
        echo EACCES
    fi
}

test_links_unprivileged_appliance() {
    command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
    local home pid uid row
    lnk_ns_up lunp && lnk_underlay_up lunp "$LNK_ACCESS_IP" || fatal "could not create namespace lunp"
    lnk_site_up u1 lunp "$LNK_ACCESS_IP" 198.51.100.11 100 192.168.1.10/24 || fatal "could not create site u1"
    # An existing interface for the packet link: its error must be the permission, not ENODEV.
    ip -n "$(lnk_ns lunp)" link add pk0 type veth peer name pk1 && ip -n "$(lnk_ns lunp)" link set pk0 up ||
        fatal "could not create veth pk0"
    # The home must belong to the user; the suite's home is root's only (mode 700).
    home=$(mktemp -d "/tmp/$E2E_PREFIX-unpriv.XXXXXX") || fatal "mktemp failed"
    chmod 755 "$home"
    lnk_app_home lunp "$home/home" || fatal "could not create the home"
    lnk_cfg lunp io.multistack.link~tp type=tap interface=utap0
    lnk_cfg lunp io.multistack.link~pk type=packet interface=pk0
    lnk_cfg lunp io.multistack.access.vxlan "listen=$LNK_ACCESS_IP:$VXLAN_PORT"
    lnk_cfg lunp io.multistack.access.tunnel~u1 remote=198.51.100.11 vni=100 vlan=800
    lnk_cfg lunp io.multistack.tenant~U vlan=800 address=192.168.1.1/24 services=echo
    chown -R "$LNK_NOBODY:$LNK_NOBODY" "$home/home"
    on_test_exit "rm -rf '$home'"
    lnk_app_start lunp setpriv "--reuid=$LNK_NOBODY" "--regid=$LNK_NOBODY" --clear-groups --inh-caps=-all \
        --bounding-set=-all env "HOME=$home" || fatal "could not start the appliance"
    pid=$(lnk_app_pid lunp)
    lnk_expect_started lunp U tenant:list
    uid=$(awk '$1 == "Uid:" {print $3}' "/proc/$pid/status" 2>/dev/null)
    expect_eq "effective uid of the appliance (pid $pid)" "$LNK_NOBODY" "$uid"
    note "capabilities: $(grep -E '^Cap(Eff|Prm)' "/proc/$pid/status" 2>/dev/null | tr '\n\t' '  ')"

    local tap_errno link errno capability
    tap_errno=$(links_tap_errno)
    note "expected errno for the TAP: $tap_errno ($(stat -c '%A' /dev/net/tun) /dev/net/tun); for the packet socket: EPERM"
    for row in "tp:$tap_errno:CAP_NET_ADMIN" pk:EPERM:CAP_NET_RAW; do
        IFS=: read -r link errno capability <<<"$row"
        wait_until 10 links_down_with "$link" "$errno" || fail "link $link is not shown down with $errno"
        lnk_log lunp | grep -F "Link $link " | grep -w "$errno" | grep -qF "$capability" ||
            fail "the log does not say link $link failed with $errno and needs $capability: $(lnk_log lunp | grep -F "Link $link " | head -2 | tr '\n' ' ')"
    done
    lnk_client lunp link:list 2>&1 | sed 's/^/      /'
    ip -n "$(lnk_ns lunp)" link show utap0 >/dev/null 2>&1 && fail "TAP utap0 exists although the appliance may not create it"
    # The rest of the appliance works: the site reaches its tenant.
    wait_until 20 lnk_answers u1 "$LNK_TENANT_IP" || fail "site u1 does not reach tenant U within 20 s"
    expect_eq "site u1: echo replies" 3 "$(lnk_ping_received u1 "$LNK_TENANT_IP" 3)"
    local text="unprivileged $RANDOM"
    expect_eq "site u1: TCP echo" "$text" "$(lnk_tcp_echo u1 "$LNK_TENANT_IP" "$text")"
    lnk_app_alive lunp || fail "the unprivileged appliance exited"
}
