# shellcheck shell=bash
# More appliances for the link tests (tests/95-links.sh): lib/appliance.sh and lib/net.sh
# generalised to several appliances at once, each with its own home and its own namespace.
#
#   lnk_ns NAME               the namespace $E2E_PREFIX-NAME (net_down removes it with the rest)
#   lnk_app_home NAME [DIR]   a home (default: under the suite's home, kept with it on failure)
#   lnk_cfg NAME PID LINE...  etc/PID.cfg of appliance NAME, written atomically
#   lnk_app_start NAME [RUN_AS...]  the launcher in namespace NAME, optionally behind a
#                             command such as setpriv; lnk_app_stop NAME ends it
#   lnk_client NAME COMMAND   one Gogo command in appliance NAME
#   lnk_cell TEXT COLUMN KEY [HEADER_WORD]  one cell of a command's table
#
# Every function that creates something registers its removal with on_test_exit, so a test
# only calls them; nothing here outlives the test that made it. Appliance NAME runs in the
# namespace of the same name; underlays use 198.51.100.0/24, 192.168.x is only inside tunnels.

[[ -n ${LNK_LIB:-} ]] && return 0
LNK_LIB=1
LNK_UNDERLAY_PREFIX=24
declare -A LNK_HOME=()

lnk_ns() { echo "$E2E_PREFIX-$1"; }
lnk_in() {
    local name=$1
    shift
    ip netns exec "$(lnk_ns "$name")" "$@"
}
lnk_ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$(lnk_ns "$1")"; }

# lnk_ns_up NAME: an empty namespace (lo up, no IPv6), deleted when the test ends.
lnk_ns_up() {
    ip netns delete "$(lnk_ns "$1")" 2>/dev/null # a leftover of a killed run
    _ns_create "$(lnk_ns "$1")" || return 1
    on_test_exit "lnk_ns_down $1"
}
lnk_ns_down() { ! lnk_ns_exists "$1" || ip netns delete "$(lnk_ns "$1")"; }

# lnk_underlay_up NAME ADDRESS: bridge br0 with ADDRESS/24 in namespace NAME, for sites.
lnk_underlay_up() {
    ip -n "$(lnk_ns "$1")" link add br0 type bridge &&
        ip -n "$(lnk_ns "$1")" addr add "$2/$LNK_UNDERLAY_PREFIX" dev br0 &&
        ip -n "$(lnk_ns "$1")" link set br0 up
}

# lnk_site_up SITE HUB HUB_ADDRESS UNDERLAY_ADDRESS VNI HOST_CIDR: a customer site as
# net_site_up makes them (vxlan0 MTU 1450, tx checksums in software, ARP retry 200 ms),
# attached to the bridge br0 of namespace HUB.
lnk_site_up() {
    local site=$1 hub=$2 hub_ip=$3 underlay_ip=$4 vni=$5 cidr=$6 ns
    ns=$(lnk_ns "$site")
    lnk_ns_up "$site" &&
        ip -n "$(lnk_ns "$hub")" link add "s-$site" type veth peer name eth0 netns "$ns" &&
        ip -n "$(lnk_ns "$hub")" link set "s-$site" master br0 up &&
        ip -n "$ns" addr add "$underlay_ip/$LNK_UNDERLAY_PREFIX" dev eth0 &&
        ip -n "$ns" link set eth0 up &&
        ip -n "$ns" link add vxlan0 type vxlan id "$vni" local "$underlay_ip" remote "$hub_ip" \
            dstport "$VXLAN_PORT" dev eth0 nolearning &&
        ip -n "$ns" link set vxlan0 mtu 1450 &&
        ip netns exec "$ns" ethtool -K vxlan0 tx off >/dev/null &&
        ip netns exec "$ns" sysctl -qw net.ipv4.neigh.vxlan0.retrans_time_ms=200 &&
        ip -n "$ns" addr add "$cidr" dev vxlan0 &&
        ip -n "$ns" link set vxlan0 up
}

# --- appliances ------------------------------------------------------------------------

# lnk_app_home NAME [DIR]: an empty home for appliance NAME; by default inside the suite's
# home (so it is kept for its logs when a test fails), else DIR, removed after the test.
lnk_app_home() {
    local name=$1 home=${2:-$APP_HOME/e2e/links-$1}
    rm -rf "$home"
    mkdir -p "$home/etc" "$home/log" "$home/e2e" || return 1
    [[ -n ${2:-} ]] && on_test_exit "rm -rf '$home'"
    LNK_HOME[$name]=$home
}

# lnk_cfg NAME PID LINE...: etc/PID.cfg of appliance NAME, staged beside etc/ and renamed
# into place so that FileInstall never reads half a file.
lnk_cfg() {
    local home=${LNK_HOME[$1]} pid=$2
    shift 2
    printf '%s\n' "$@" >"$home/e2e/$pid.cfg" && mv -f "$home/e2e/$pid.cfg" "$home/etc/$pid.cfg"
}
lnk_rm_cfg() { rm -f "${LNK_HOME[$1]}/etc/$2.cfg"; }

lnk_app_pid() { cat "${LNK_HOME[$1]}/e2e/pid" 2>/dev/null; }
lnk_app_alive() {
    local pid
    pid=$(lnk_app_pid "$1") && [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}
lnk_app_dead() { ! lnk_app_alive "$1"; }

# lnk_app_start NAME [RUN_AS...]: the appliance on its home, in namespace NAME, stopped when
# the test ends. RUN_AS (e.g. setpriv ...) is put in front of the launcher: it must exec it,
# so that the recorded pid is the JVM's.
lnk_app_start() {
    local name=$1 home=${LNK_HOME[$1]}
    shift
    rm -f "$home/e2e/pid" "$home/e2e/exit-status"
    (
        spawn ip netns exec "$(lnk_ns "$name")" "$@" "$MULTISTACK" --home "$home" \
            </dev/null >>"$home/e2e/console.log" 2>&1 &
        echo $! >"$home/e2e/pid"
        wait $!
        echo $? >"$home/e2e/exit-status"
    ) &
    on_test_exit "lnk_app_stop $name"
    wait_until 5 test -s "$home/e2e/pid"
}

# lnk_app_stop NAME: SIGTERM, SIGKILL after 30 s.
lnk_app_stop() {
    local pid
    pid=$(lnk_app_pid "$1") || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    wait_until 30 lnk_app_dead "$1" || kill -KILL "$pid" 2>/dev/null
    return 0
}

lnk_client() { timeout 30 ip netns exec "$(lnk_ns "$1")" "$MULTISTACK" --home "${LNK_HOME[$1]}" client "$2"; }

# lnk_log NAME: everything appliance NAME logged.
lnk_log() { cat "${LNK_HOME[$1]}"/log/* "${LNK_HOME[$1]}/e2e/console.log" 2>/dev/null; }

# lnk_app_console_tail NAME: for failure messages.
lnk_app_console_tail() { tail -5 "${LNK_HOME[$1]}/e2e/console.log" 2>/dev/null | tr '\n' ' '; }

# lnk_expect_started NAME TEXT COMMAND: waits (90 s) until COMMAND's output in appliance
# NAME holds the word TEXT; ends the test when it does not.
lnk_output_has_word() { lnk_client "$1" "$2" 2>/dev/null | grep -qw -- "$3"; }
lnk_expect_started() {
    local name=$1 text=$2 command=$3
    if ! wait_until 90 lnk_output_has_word "$name" "$command" "$text"; then
        lnk_app_alive "$name" || fatal "appliance $name exited during start-up: $(lnk_app_console_tail "$name")"
        fatal "appliance $name: '$command' shows no '$text' within 90 s: $(lnk_client "$name" "$command" 2>&1 | tr '\n' ' ')"
    fi
    note "appliance $name: '$command' shows $text after $(fmt_ms "$WAITED_MS")s"
}

# --- reading tables -------------------------------------------------------------------

# lnk_cell TEXT COLUMN KEY [HEADER_WORD]: the cell in column COLUMN of the row whose first
# cell is KEY, in the first table of TEXT whose heading has the word COLUMN (and HEADER_WORD).
# Columns are cut at the heading's character positions (the shell's tables are left-aligned
# and padded), so a cell may hold blanks ("down: ENODEV ..."). Empty when there is none.
lnk_cell() {
    awk -v column="$2" -v key="$3" -v also="${4:-}" '
        function is_heading(line, word,   padded) {
            padded = " " line " "
            return index(padded, " " word " ") > 0
        }
        !inside && is_heading($0, column) && (also == "" || is_heading($0, also)) {
            padded = " " $0 " "
            start = index(padded, " " column " ")          # 1-based start of COLUMN in $0
            rest = substr($0, start + length(column))
            gap = match(rest, /[^ ]/)
            stop = gap ? start + length(column) + gap - 1 : 0  # start of the next heading
            inside = 1
            next
        }
        inside && NF == 0 { inside = 0; next }
        inside && $1 == key {
            cell = stop ? substr($0, start, stop - start) : substr($0, start)
            gsub(/^ +| +$/, "", cell)
            print cell
            exit
        }' <<<"$1"
}

# lnk_row TEXT KEY [HEADER_WORD]: the first line whose first word is KEY (in the first table
# whose heading has the word HEADER_WORD, when given).
lnk_row() {
    awk -v key="$2" -v also="${3:-}" '
        also == "" || index(" " $0 " ", " " also " ") { inside = 1; if (also != "") next }
        inside && NF == 0 && also != "" { inside = 0; next }
        inside && $1 == key { print; exit }' <<<"$1"
}

# lnk_link_cell NAME LINK COLUMN: a cell of link:list in appliance NAME.
lnk_link_cell() { lnk_cell "$(lnk_client "$1" link:list 2>/dev/null)" "$3" "$2" TYPE; }
lnk_link_up() { [[ $(lnk_link_cell "$1" "$2" STATE) == up ]]; }

# lnk_counter_grew BEFORE AFTER: both numbers and AFTER > BEFORE.
lnk_counter_grew() { [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && (($2 > $1)); }

# --- probes ---------------------------------------------------------------------------

# lnk_ping_received NS_NAME ADDRESS COUNT: echo replies to COUNT requests.
lnk_ping_received() {
    lnk_in "$1" ping -n -q -c "$3" -i 0.2 -W 1 "$2" 2>/dev/null |
        sed -n 's/.* \([0-9]\+\) received.*/\1/p' | grep . || echo 0
}
lnk_answers() { lnk_in "$1" ping -n -q -c 1 -W 0.5 "$2" >/dev/null 2>&1; }

# lnk_neigh_mac NS_NAME DEV ADDRESS: the MAC in the namespace's neighbour table.
lnk_neigh_mac() { lnk_in "$1" ip neigh show "$3" dev "$2" | awk '$2 == "lladdr" {print $3}'; }

# lnk_curl NS_NAME URL: the body, bounded.
lnk_curl() { lnk_in "$1" curl -sS --max-time 10 "$2"; }

# lnk_tcp_echo NS_NAME ADDRESS TEXT: what the echo service (TCP 7) sends back for TEXT.
lnk_tcp_echo() { printf '%s\n' "$3" | lnk_in "$1" timeout 10 nc -N -w 5 "$2" 7 2>/dev/null; }
