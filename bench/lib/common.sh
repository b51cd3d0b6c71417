# shellcheck shell=bash
# bench/lib/common.sh: what the bench scripts build the same way, for bench/compare (the older
# scripts bench/run, bench/http/run and bench/ftp/run keep their own copies of these lines).
#
# The caller sets, before using the network functions:
#   PREFIX      namespace prefix of this script (every namespace is PREFIX-something)
#   HUB_NS      the namespace holding the underlay bridge br0
#   VXLAN_PORT  UDP port of every tunnel
# and calls say/die from here for its messages (BENCH_NAME names the script in them).

say() { printf '%s\n' "$*" >&2; }
die() {
    say "${BENCH_NAME:-bench}: $*"
    exit 1
}

# require_tools TOOL...: dies naming the missing ones.
require_tools() {
    local tool missing=()
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}"
}

# no_namespaces_left: dies when namespaces of PREFIX exist (another run, or a killed one).
no_namespaces_left() {
    if ip netns list | awk '{print $1}' | grep -q "^$PREFIX-"; then
        die "$PREFIX namespaces exist already (another run?); remove them: ip netns delete NAME"
    fi
}

# delete_namespaces: every namespace of PREFIX (and so every interface in it).
delete_namespaces() {
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-"); do
        ip netns delete "$ns"
    done
}

# stop_pid PID: TERM, up to 30 s, then KILL.
stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

ns_create() {
    ip netns add "$1"
    # no IPv6: router solicitations and MLD would travel through the tunnels as noise
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$1" link set lo up
}

# hub_create IP: the hub namespace with the underlay bridge br0 at IP/24.
hub_create() {
    ns_create "$HUB_NS"
    ip -n "$HUB_NS" link add br0 type bridge
    ip -n "$HUB_NS" addr add "$1/24" dev br0
    ip -n "$HUB_NS" link set br0 up
}

# attach NS UNDERLAY_IP [sites]: a veth from NS (eth0) to the hub's bridge. "sites" marks the
# namespace of the customer sites: the hub's port their traffic enters by stands for the server
# host's NIC, and gets GRO on as a NIC's NAPI has it (MSBENCH_SITE_GRO=off: veth's default, GRO
# off). Every endpoint, the kernel's and the appliance, receives through that one port, so both
# get the same merged bursts: the kernel's vxlan device decapsulates them, the appliance's
# socket (UDP_GRO, its default) reads each merged run in one slot. veth merges only on its NAPI
# path, which it takes for a sender without TSO: the sites' eth0 gets TSO and GSO off, which
# changes no packet (tunnels run with tx off, so the underlay carries only whole datagrams).
# GRO on every port (the kernel endpoints' too) made their replies take NAPI as well, a path
# the appliance's replies never cross, and slowed nginx (bench/RESULTS.md, sessions 5 and 9).
attach() {
    local ns=$1 ip=$2 role=${3:-} port=p-${1#"$PREFIX"-}
    ip -n "$HUB_NS" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$HUB_NS" link set "$port" master br0 up
    if [[ $role == sites && $(site_gro) == on ]]; then
        ip netns exec "$HUB_NS" ethtool -K "$port" gro on >/dev/null
        ip netns exec "$ns" ethtool -K eth0 tso off gso off >/dev/null
    fi
    ip -n "$ns" addr add "$ip/24" dev eth0
    ip -n "$ns" link set eth0 up
}

# site_gro: on (default) or off, from MSBENCH_SITE_GRO.
site_gro() {
    case ${MSBENCH_SITE_GRO:-on} in
        on | off) echo "${MSBENCH_SITE_GRO:-on}" ;;
        *) die "MSBENCH_SITE_GRO takes on or off" ;;
    esac
}

# tunnel NS DEV VNI LOCAL REMOTE CIDR: a kernel vxlan device as the demo's sites have it.
tunnel() {
    local ns=$1 dev=$2 vni=$3 local_ip=$4 remote=$5 cidr=$6
    ip -n "$ns" link add "$dev" type vxlan id "$vni" local "$local_ip" remote "$remote" \
        dstport "$VXLAN_PORT" dev eth0 nolearning
    # 1450 leaves room for the 50 bytes of VXLAN in the 1500-byte underlay
    ip -n "$ns" link set "$dev" mtu 1450
    # software checksums on every side: the appliance needs finished inner checksums
    ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null
    ip -n "$ns" addr add "$cidr" dev "$dev"
    ip -n "$ns" link set "$dev" up
}

# wait_for SECONDS COMMAND...: bounded polling.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# median: of the numbers on stdin, one per line (empty when none).
median() {
    sort -g | awk '{v[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2];
        else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# ratio A B: A/B with two decimals, "-" when either is missing.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b}'
}

load_now() { cut -d' ' -f1-3 /proc/loadavg; }
