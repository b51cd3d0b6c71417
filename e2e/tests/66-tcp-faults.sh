# shellcheck shell=bash
# Transfers stay byte-exact through the appliance's fault injector (tc netem is not
# available in this kernel): drop, duplication, reordering, then corruption, on tenant A's
# link in both directions, with a real Linux peer at the other end.

# shellcheck source=SCRIPTDIR/../lib/peers/tcp.sh
source "$E2E_DIR/lib/peers/tcp.sh"

# connection_rows TENANT REMOTE: a time stamp, the tenant's net:conns row of its connection
# with REMOTE, and site A's `ss -tin` line of it.
connection_rows() {
    local tenant=$1 remote=$2
    conns "$tenant" | awk -v r="$remote" -v t="$(stamp)" '$3 == r {print t, "tenant", $0}'
    in_site A ss -Htin "dst $TENANT_IP and sport = :${remote##*:}" | tr -s '\n\t' '  ' |
        sed "s/^/$(stamp) site /; s/\$/\n/"
}

# max_retransmissions FILE: the highest RETRANS the tenant's rows in FILE showed.
max_retransmissions() { awk '$2 == "tenant" && $3 == "ESTABLISHED" {print $13}' "$1" | sort -n | tail -1; }

# lossy_echo DESCRIPTION MIB SRC_PORT FAULTS...: one echo round trip of MIB from site A
# with FAULTS on tenant A's link; byte-exact; reports the faults injected and the
# tenant's retransmissions (some are expected: the faults drop or corrupt frames).
lossy_echo() {
    local description=$1 mib=$2 src_port=$3 output status max_retrans
    shift 3
    output=$(app_client "net:faults A $*" 2>&1) || fatal "net:faults A $* failed: $output"
    random_file "$SCRATCH/sent-$src_port" "$mib"
    # every 0.3 s, in the appliance's home (kept when a test fails) to show a stall
    local log="$APP_HOME/e2e/$TEST_NAME-conn-$src_port.log"
    poll_start "$log" connection_rows A "$SITE_HOST_IP:$src_port"
    output=$(peer 90 A echo "$TENANT_IP" "$ECHO_PORT" "$SCRATCH/sent-$src_port" "$SCRATCH/received-$src_port" \
        --src-port "$src_port" 2>&1)
    status=$?
    poll_stop "$POLL_STOP" "$POLL_PID"
    note "$description: $output"
    if ((status != 0)); then
        fail "$description: the $mib MiB echo exited $status: $output (the connection every 0.3 s: $log)"
        grep -a tenant "$log" | tail -3 | sed 's/^/      /'
        grep -a site "$log" | tail -2 | cut -c1-400 | sed 's/^/      /'
    else
        expect_same_bytes "$description: $mib MiB through echo" "$SCRATCH/sent-$src_port" "$SCRATCH/received-$src_port" &&
            note "$description: $mib MiB came back byte-exact"
    fi
    # What the faults did: net:faults without settings shows them with the stack's counters
    # (DIRECTION DROPPED DUPLICATED REORDERED CORRUPTED DELAYED, for in and out).
    output=$(app_client "net:faults A" 2>&1)
    printf '%s\n' "$output" | sed 's/^/      /'
    if ! grep -q "^faults on tenant A" <<<"$output"; then
        fail "$description: 'net:faults A' while the faults are on does not show them: $(tr '\n' ' ' <<<"$output")"
    elif (($(awk '$1 == "in" || $1 == "out" {n += $2 + $5} END {print n + 0}' <<<"$output") == 0)); then
        fail "$description: 'net:faults A' counted no dropped or corrupted frame"
    fi
    max_retrans=$(max_retransmissions "$log")
    note "$description: tenant A's connection showed up to ${max_retrans:-no} retransmissions in net:conns"
    ((${max_retrans:-0} > 0)) || fail "$description: net:conns A showed no retransmission on the connection"
}

test_tcp_through_fault_injector() {
    require_appliance
    services_on A
    scratch_dir
    on_test_exit "app_client 'net:faults A off' >/dev/null"
    local output

    lossy_echo "1% drop, duplication, reordering" 16 $((FIXED_PORT_BASE + 66)) drop=0.01 reorder=0.01 duplicate=0.01 seed=7
    lossy_echo "5% drop, 1% duplication and reordering" 8 $((FIXED_PORT_BASE + 67)) drop=0.05 reorder=0.01 duplicate=0.01 seed=7
    # Corrupted frames must be caught by checksums on both sides, never delivered.
    lossy_echo "1% corruption" 8 $((FIXED_PORT_BASE + 68)) corrupt=0.01 seed=7

    output=$(app_client "net:faults A off" 2>&1) || fail "net:faults A off failed: $output"
    output=$(app_client "net:faults A" 2>&1)
    grep -q "no faults" <<<"$output" || fail "net:faults A after 'off': $output"
    random_file "$SCRATCH/sent-clean" 1
    output=$(peer 20 A echo "$TENANT_IP" "$ECHO_PORT" "$SCRATCH/sent-clean" "$SCRATCH/received-clean" 2>&1) ||
        fail "site A: echo after the faults were switched off: $output"
    expect_same_bytes "1 MiB through echo after the faults were switched off" "$SCRATCH/sent-clean" "$SCRATCH/received-clean"
}
