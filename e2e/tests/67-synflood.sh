# shellcheck shell=bash
# A SYN flood from one site (hping3) against tenant A's echo port: legitimate connections
# from that site and from another site's tenant still complete during the flood; the
# half-open connections never exceed the listen backlog (SYN cookies beyond it); the
# appliance is healthy afterwards.

# shellcheck source=SCRIPTDIR/../lib/peers/tcp.sh
source "$E2E_DIR/lib/peers/tcp.sh"

# The echo service's listen backlog (SO_BACKLOG of the diagnostic services).
readonly ECHO_BACKLOG=1024
# A host of site A's subnet that does not exist: its half-open connections are never reset.
readonly SPOOFED_SOURCE=192.168.1.99

# listener_sample TENANT: "HALF_OPEN COOKIES_SENT COOKIES_ACCEPTED" of the tenant's echo listener.
listener_sample() {
    conns "$1" | awk -v port=":$ECHO_PORT" '
        $1 == "SYN_RECEIVED" { half++ }
        $1 == "LISTEN" && substr($2, length($2) - length(port) + 1) == port {
            if (match($0, /cookies sent [0-9]+/)) sent = substr($0, RSTART + 13, RLENGTH - 13)
            if (match($0, /accepted [0-9]+/)) accepted = substr($0, RSTART + 9, RLENGTH - 9)
        }
        END { if (sent != "") print half + 0, sent, accepted }'
}

# flood_running: any of the flood's hping3 processes still runs.
flood_running() {
    local pid
    for pid in "${FLOOD_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
    return 1
}

# round_trip SITE FILE TAG: one echo round trip of FILE from SITE, byte-exact.
round_trip() {
    local site=$1 file=$2 tag=$3 output
    output=$(peer 15 "$site" echo "$TENANT_IP" "$ECHO_PORT" "$file" "$file.$tag" 2>&1) &&
        cmp -s "$file" "$file.$tag" && return 0
    say "    site $site: echo round trip $tag failed: $output $(cmp "$file" "$file.$tag" 2>&1)"
    return 1
}

test_tcp_syn_flood() {
    require_appliance
    command -v hping3 >/dev/null || fatal "hping3 is not installed (apt-get install hping3; run-tests installs it)"
    services_on A B
    scratch_dir
    random_file "$SCRATCH/payload" 1
    poll_start "$SCRATCH/listener" listener_sample A
    app_client lb >"$SCRATCH/lb-before" 2>&1 || fatal "client lb failed before the flood: $(cat "$SCRATCH/lb-before")"

    # Two streams from site A's host: SYNs from its own address (its kernel resets the
    # SYN-ACKs it did not ask for) and SYNs from an address nobody answers for.
    FLOOD_PIDS=()
    spawn timeout 20 ip netns exec "$(site_ns A)" hping3 -q -S -p "$ECHO_PORT" -i u100 -c 40000 "$TENANT_IP" \
        >"$SCRATCH/hping-own.out" 2>&1 &
    FLOOD_PIDS+=($!)
    spawn timeout 20 ip netns exec "$(site_ns A)" hping3 -q -S -p "$ECHO_PORT" -i u100 -c 40000 \
        -a "$SPOOFED_SOURCE" "$TENANT_IP" >"$SCRATCH/hping-spoofed.out" 2>&1 &
    FLOOD_PIDS+=($!)
    local pid
    for pid in "${FLOOD_PIDS[@]}"; do kill_on_exit "$pid"; done
    sleep 0.5

    local round=0 failed=0 site
    declare -A done_during=([A]=0 [B]=0)
    while flood_running && ((round < 200)); do
        round=$((round + 1))
        for site in A B; do
            if round_trip "$site" "$SCRATCH/payload" "$round"; then
                flood_running && done_during[$site]=$((done_during[$site] + 1))
            else
                failed=$((failed + 1))
            fi
            rm -f "$SCRATCH/payload.$round"
        done
    done
    for pid in "${FLOOD_PIDS[@]}"; do wait "$pid"; done
    note "flood from site A: $(grep -h 'packets transmitted' "$SCRATCH"/hping-*.out | tr '\n' ' ')"
    note "during the flood: ${done_during[A]} echo round trips (1 MiB) from site A and ${done_during[B]} from site B completed, $failed failed"
    expect_eq "echo round trips that failed during the flood" 0 "$failed"
    ((done_during[A] >= 3)) || fail "only ${done_during[A]} round trips from site A completed while the flood ran (expected at least 3)"
    ((done_during[B] >= 3)) || fail "only ${done_during[B]} round trips from site B completed while the flood ran (expected at least 3)"

    sleep 1
    poll_stop "$POLL_STOP" "$POLL_PID"
    local max_half cookies accepted
    max_half=$(awk '{print $1}' "$SCRATCH/listener" | sort -n | tail -1)
    cookies=$(awk '{print $2}' "$SCRATCH/listener" | sort -n | tail -1)
    accepted=$(awk '{print $3}' "$SCRATCH/listener" | sort -n | tail -1)
    note "tenant A's echo listener: at most ${max_half:-?} half-open connections ($(wc -l <"$SCRATCH/listener") samples), ${cookies:-?} SYN cookies sent, ${accepted:-?} accepted"
    [[ -n $max_half ]] || fatal "net:conns A could not be sampled during the flood"
    ((max_half <= ECHO_BACKLOG)) || fail "net:conns A showed $max_half half-open connections, beyond the backlog of $ECHO_BACKLOG"
    ((cookies > 0)) || fail "tenant A's echo listener sent no SYN cookie during the flood (details: $(tail -1 "$SCRATCH/listener"))"

    expect_healthy_after_flood
}

# bundle_states: "ID STATE" of each bundle in lb's output (fragments stay Resolved: compare).
bundle_states() { awk -F'|' '$1 ~ /^ *[0-9]+ *$/ {gsub(/ /, ""); print $1, $2}'; }

expect_healthy_after_flood() {
    local output site
    output=$(app_client tenant:list 2>&1) || fail "tenant:list failed after the flood: $output"
    for site in A B C; do
        awk -v t="$site" '$1 == t && / up /' <<<"$output" | grep -q . || fail "tenant:list after the flood does not show $site up: $(tr '\n' '|' <<<"$output")"
        expect_eq "site $site: echo replies after the flood" 3 "$(site_ping_received "$site" "$TENANT_IP" 3)"
    done
    output=$(app_client lb 2>&1) || fail "client lb failed after the flood: $output"
    local changed
    changed=$(diff <(bundle_states <"$SCRATCH/lb-before") <(bundle_states <<<"$output"))
    [[ -z $changed ]] || fail "bundle states changed during the flood (lb before < > after): $changed"
    round_trip A "$SCRATCH/payload" after || fail "site A: echo round trip after the flood failed"
    round_trip B "$SCRATCH/payload" after || fail "site B: echo round trip after the flood failed"
    note "after the flood: tenants A, B, C up, pings answered, lb answers with every bundle in its state of before, echo works from sites A and B"
}
