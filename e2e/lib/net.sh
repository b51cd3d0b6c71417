# shellcheck shell=bash
# Underlay and customer sites for the e2e suite, all inside namespaces named $E2E_PREFIX-*.
#
# Unlike runtime/bin/demo-sites, nothing lives in the root namespace: a "hub" namespace
# holds the underlay bridge ($HUB_IP) and the appliance under test, so the suite can run
# while the demo (bridge msdemo0, sites siteA..C, an appliance on 0.0.0.0:4789) is up,
# and no test packet can leave through the machine's real interface.
#
#   hub namespace $E2E_PREFIX-hub: bridge br0 $HUB_IP/24, appliance on $HUB_IP:$VXLAN_PORT
#   site namespace $E2E_PREFIX-NAME: eth0 (veth to br0) with the site's underlay address,
#       vxlan0 (VNI, remote $HUB_IP), host $SITE_HOST_CIDR

E2E_PREFIX=${E2E_PREFIX:-mse2e}
HUB_NS=$E2E_PREFIX-hub
HUB_IP=${E2E_HUB_IP:-203.0.113.1}
UNDERLAY_PREFIX=24
VXLAN_PORT=4789
SITE_HOST_IP=192.168.1.10
SITE_HOST_CIDR=$SITE_HOST_IP/24

declare -A SITE_IP=() SITE_VNI=()

site_ns() { echo "$E2E_PREFIX-$1"; }
in_hub() { ip netns exec "$HUB_NS" "$@"; }
in_site() {
    local site=$1
    shift
    ip netns exec "$(site_ns "$site")" "$@"
}

# No IPv6 in test namespaces: router solicitations and MLD would add noise on the tunnels.
_ns_create() {
    ip netns add "$1" &&
        ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
        ip -n "$1" link set lo up
}

net_hub_up() {
    _ns_create "$HUB_NS" &&
        ip -n "$HUB_NS" link add br0 type bridge &&
        ip -n "$HUB_NS" addr add "$HUB_IP/$UNDERLAY_PREFIX" dev br0 &&
        ip -n "$HUB_NS" link set br0 up
}

# net_site_up NAME UNDERLAY_IP VNI: one customer site with its host and its VXLAN tunnel.
net_site_up() {
    local site=$1 underlay_ip=$2 vni=$3 ns
    ns=$(site_ns "$site")
    SITE_IP[$site]=$underlay_ip
    SITE_VNI[$site]=$vni
    _ns_create "$ns" &&
        ip -n "$HUB_NS" link add "s-$site" type veth peer name eth0 netns "$ns" &&
        ip -n "$HUB_NS" link set "s-$site" master br0 up &&
        ip -n "$ns" addr add "$underlay_ip/$UNDERLAY_PREFIX" dev eth0 &&
        ip -n "$ns" link set eth0 up &&
        ip -n "$ns" link add vxlan0 type vxlan id "$vni" local "$underlay_ip" remote "$HUB_IP" \
            dstport "$VXLAN_PORT" dev eth0 nolearning &&
        ip -n "$ns" link set vxlan0 mtu 1450 &&
        ip netns exec "$ns" ethtool -K vxlan0 tx off >/dev/null &&
        # ARP retries every 200 ms instead of 1 s, so that "answers again within 3 s"
        # measures the appliance rather than the site's ARP back-off.
        ip netns exec "$ns" sysctl -qw net.ipv4.neigh.vxlan0.retrans_time_ms=200 &&
        ip -n "$ns" addr add "$SITE_HOST_CIDR" dev vxlan0 &&
        ip -n "$ns" link set vxlan0 up
}

# Every namespace of this prefix, whether this run or a killed earlier one created it.
net_namespaces() { ip netns list | awk '{print $1}' | grep "^$E2E_PREFIX-" || true; }

# Deleting a namespace deletes its interfaces, the veth peers and the hub's bridge with it.
net_down() {
    local ns
    for ns in $(net_namespaces); do
        ip netns delete "$ns" || echo "e2e: could not delete namespace $ns" >&2
    done
}

# --- probes from a site -------------------------------------------------------------

# site_answers SITE ADDRESS: one echo request, answered within 0.5 s.
site_answers() { in_site "$1" ping -n -q -c 1 -W 0.5 "$2" >/dev/null 2>&1; }
site_silent() { ! site_answers "$@"; }

# site_ping_received SITE ADDRESS COUNT: how many of COUNT echo requests were answered.
site_ping_received() {
    in_site "$1" ping -n -q -c "$3" -i 0.2 -W 1 "$2" 2>/dev/null |
        sed -n 's/.* \([0-9]\+\) received.*/\1/p' | grep . || echo 0
}

# site_neigh_mac SITE ADDRESS: the MAC the site's neighbour table holds, if any.
site_neigh_mac() {
    in_site "$1" ip neigh show "$2" dev vxlan0 | awk '$2 == "lladdr" {print $3}'
}
site_neigh_flush() { in_site "$1" ip neigh flush dev vxlan0; }
site_host_mac() { in_site "$1" cat /sys/class/net/vxlan0/address; }

# site_icmp_counter SITE FIELD: a counter of the site's kernel, e.g. InEchos, OutEchoReps.
site_icmp_counter() {
    in_site "$1" awk -v field="$2" '
        $1 == "Icmp:" && !names { for (i = 2; i <= NF; i++) col[$i] = i; names = 1; next }
        $1 == "Icmp:" && names { print $(col[field]); exit }' /proc/net/snmp
}

# expect_answers_within SITE ADDRESS SINCE_MS SECONDS: the site gets replies no later than
# SECONDS after SINCE_MS (a probe started before then may take its 0.5 s to return).
expect_answers_within() {
    local site=$1 address=$2 since=$3 seconds=$4
    if wait_until "$(seconds_left "$since" "$seconds")" site_answers "$site" "$address"; then
        note "site $site: $address answers $(fmt_ms $(($(now_ms) - since)))s after the change"
        return 0
    fi
    fail "site $site: $address does not answer within ${seconds}s of the change"
    return 1
}

# expect_silent_within SITE ADDRESS SINCE_MS SECONDS OBSERVE: probes until OBSERVE seconds
# after SINCE_MS; no probe started later than SECONDS after SINCE_MS may be answered.
expect_silent_within() {
    local site=$1 address=$2 since=$3 limit_ms observe_ms start last_answer=-1 late_probes=0
    limit_ms=$(to_ms "$4")
    observe_ms=$(to_ms "$5")
    while (($(now_ms) - since < observe_ms)); do
        start=$(($(now_ms) - since))
        if site_answers "$site" "$address"; then
            last_answer=$start
            ((start > limit_ms)) && late_probes=$((late_probes + 1))
            sleep 0.1
        fi
    done
    if ((late_probes > 0)); then
        fail "site $site: $address still answers $(fmt_ms "$last_answer")s after the change ($late_probes probes later than ${4}s answered)"
        return 1
    fi
    if ((last_answer >= 0)); then
        note "site $site: last answer from $address $(fmt_ms "$last_answer")s after the change, none since"
    else
        note "site $site: no answer from $address at any time after the change"
    fi
}

# --- continuous ping ----------------------------------------------------------------

# cping_start SITE ADDRESS FILE: pings every 0.2 s in the background; prints ping's pid.
# A background command of a script starts with SIGINT ignored; env restores it, for ping
# prints its statistics on SIGINT.
cping_start() {
    spawn ip netns exec "$(site_ns "$1")" env --default-signal=INT ping -n -D -O -i 0.2 -W 1 "$2" >"$3" 2>&1 &
    echo $!
}

# cping_stop PID: SIGINT makes ping print its statistics; bounded wait for it to exit.
cping_stop() {
    kill -INT "$1" 2>/dev/null || return 0
    local i
    for ((i = 0; i < 30; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null
}

# expect_lossless FILE DESCRIPTION MIN_REPLIES: every echo request but the last (which may
# be in flight at SIGINT) was answered, exactly once, and at least MIN_REPLIES came back.
expect_lossless() {
    local file=$1 description=$2 min=$3 sent missing duplicates replies
    sent=$(sed -n 's/^\([0-9]\+\) packets transmitted.*/\1/p' "$file")
    if [[ -z $sent ]]; then
        fail "$description: continuous ping printed no statistics: $(tail -3 "$file" | tr '\n' ' ')"
        return 1
    fi
    replies=$(grep -c 'bytes from.*icmp_seq=' "$file")
    duplicates=$(grep -c 'DUP!' "$file")
    missing=$(awk -v sent="$sent" '
        match($0, /bytes from .*icmp_seq=[0-9]+/) { s = substr($0, RSTART, RLENGTH); sub(/.*=/, "", s); got[s] = 1 }
        END { for (i = 1; i < sent; i++) if (!(i in got)) printf "%d ", i }' "$file")
    if [[ -n $missing ]]; then
        fail "$description: continuous ping lost icmp_seq $missing(of $sent sent; log $file)"
    elif ((duplicates > 0)); then
        fail "$description: continuous ping got $duplicates duplicate replies (log $file)"
    elif ((replies < min)); then
        fail "$description: continuous ping got only $replies replies, expected at least $min"
    else
        note "$description: continuous ping lost nothing ($replies replies to $sent requests)"
        return 0
    fi
    return 1
}
