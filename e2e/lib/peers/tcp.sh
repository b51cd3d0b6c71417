# shellcheck shell=bash
# shellcheck disable=SC2034 # the constants and POLL_STOP are used by the test files that source it
# Helpers of the TCP/UDP tests (tests/65-*.sh ... 68-*.sh): the tenants' diagnostic
# services switched on, a real Linux peer (tcp_peer.py) run from a site, scratch space.
# Several test files source it: it loads once.

[[ -n ${TCP_PEER:-} ]] && return 0
TCP_PEER=$E2E_DIR/lib/peers/tcp_peer.py
readonly DIAG_SERVICES=echo,discard,chargen
readonly ECHO_PORT=7 DISCARD_PORT=9 CHARGEN_PORT=19
# A port no service listens on, in the tenants and in the sites.
readonly CLOSED_PORT=5999
# Fixed client ports (to find a connection in net:conns) lie above the sites' ephemeral
# range (32768-60999), where no other connection of the sites can hold them.
readonly FIXED_PORT_BASE=61000

# peer SECONDS SITE ARGS...: tcp_peer.py run from SITE's host (192.168.1.10), killed
# after SECONDS.
peer() {
    local seconds=$1 site=$2
    shift 2
    timeout "$seconds" ip netns exec "$(site_ns "$site")" /usr/bin/python3 "$TCP_PEER" "$@"
}

# peer_bg OUTPUT SECONDS SITE ARGS...: the same in the background, its output to OUTPUT;
# sets PEER_PID (so do not call it in a command substitution) and ends it with the test.
peer_bg() {
    local output=$1 seconds=$2 site=$3
    shift 3
    spawn timeout "$seconds" ip netns exec "$(site_ns "$site")" /usr/bin/python3 "$TCP_PEER" "$@" >"$output" 2>&1 &
    PEER_PID=$!
    kill_on_exit "$PEER_PID"
}

# tenant_port_open SITE PORT: a TCP connection from SITE to the tenant's PORT succeeds.
tenant_port_open() { in_site "$1" nc -z -w 1 "$TENANT_IP" "$2" >/dev/null 2>&1; }

tenant_services_listening() {
    tenant_port_open "$1" "$ECHO_PORT" && tenant_port_open "$1" "$DISCARD_PORT" &&
        tenant_port_open "$1" "$CHARGEN_PORT"
}

# services_on SITE...: the scenario's tenant of each SITE with services=echo,discard,chargen
# in its file (restored when the test ends), listening within 10 s.
services_on() {
    local site lines
    for site in "$@"; do
        lines=("vlan=${TENANT_VLAN[$site]}" "address=$TENANT_CIDR" "services=$DIAG_SERVICES")
        [[ $site == A ]] && lines+=("mac=$TENANT_A_MAC")
        app_write_cfg "$(tenant_cfg_name "$site")" "${lines[@]}" || fatal "could not write tenant $site's file"
        on_test_exit "write_tenant $site"
    done
    for site in "$@"; do
        wait_until 10 tenant_services_listening "$site" ||
            fatal "tenant $site: echo, discard and chargen not all listening within 10 s of services=$DIAG_SERVICES; flow:table: $(app_client flow:table 2>&1 | tr '\n' ' ' | cut -c1-400)"
    done
}

# scratch_dir: a directory for the test's files, removed when the test ends. Sets SCRATCH.
scratch_dir() {
    SCRATCH=$(mktemp -d "/tmp/$E2E_PREFIX-tcp.XXXXXX") || fatal "mktemp failed"
    on_test_exit "rm -rf $SCRATCH"
}

# random_file PATH MIB: MIB mebibytes of random bytes.
random_file() { head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"; }

# expect_same_bytes DESCRIPTION SENT RECEIVED: byte-exact, or a failure that says where.
expect_same_bytes() {
    local description=$1 sent=$2 received=$3 difference
    if difference=$(cmp -- "$sent" "$received" 2>&1); then
        return 0
    fi
    fail "$description: received bytes differ from those sent ($(stat -c %s "$sent") sent, $(stat -c %s "$received" 2>/dev/null || echo no) received; $difference)"
    return 1
}

# conns TENANT: net:conns without its header.
conns() { app_client "net:conns $1" 2>&1 | awk 'NR > 1'; }

# conns_rows_for TENANT STATE REMOTE_PATTERN: how many of the tenant's connections are in
# STATE with a remote address matching the (extended) pattern.
conns_rows_for() {
    conns "$1" | awk -v state="$2" -v remote="$3" '$1 == state && $3 ~ remote' | wc -l
}

# poll_start OUTPUT CMD...: runs CMD every 0.3 s in the background, its output to OUTPUT,
# until poll_stop (called when the test ends too). Sets POLL_PID and POLL_STOP. Stopping by
# a file rather than a signal lets a running CMD (e.g. an appliance client) finish, so that
# nothing is left running.
poll_start() {
    local output=$1 stop
    shift
    stop=$(mktemp -u "$APP_HOME/e2e/poll-stop.XXXXXX")
    (
        [[ -n ${E2E_LOCK_FD:-} ]] && exec {E2E_LOCK_FD}>&-
        while [[ ! -e $stop ]]; do
            "$@"
            sleep 0.3
        done
    ) >"$output" 2>/dev/null &
    POLL_PID=$!
    POLL_STOP=$stop
    on_test_exit "poll_stop $stop $POLL_PID"
}

# poll_stop STOP_FILE PID: ends a poll_start loop, letting its running command finish for
# up to 3 s (then it and its children are killed: an appliance client may take up to 30 s).
poll_stop() {
    local stop=$1 pid=$2
    touch "$stop"
    if ! wait_until 3 pid_gone "$pid"; then
        note "a command polled in the background still ran 3 s after the poll was stopped: $(ps -o args= --ppid "$pid" | head -2 | tr '\n' ' '); killed"
        kill_tree "$pid"
    fi
    wait "$pid" 2>/dev/null
    rm -f "$stop"
    return 0
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# kill_tree PID: PID and all its descendants (started by this test), children first.
kill_tree() {
    local child
    for child in $(ps -o pid= --ppid "$1"); do kill_tree "$child"; done
    kill "$1" 2>/dev/null
}

# kill_on_exit PID: ends a background peer when the test ends, however it ends.
kill_on_exit() { on_test_exit "{ kill $1; wait $1; } 2>/dev/null; true"; }
