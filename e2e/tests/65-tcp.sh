# shellcheck shell=bash
# TCP and UDP of the tenant stacks against real Linux peers over VXLAN: the diagnostic
# services (echo, discard, chargen) of each tenant, many connections, the tenant
# connecting into its site (push), refusals of closed ports, and a pcap of a handshake.

# shellcheck source=SCRIPTDIR/../lib/peers/tcp.sh
source "$E2E_DIR/lib/peers/tcp.sh"

readonly BIG_MIB=64

# Three sites with the same host address at once, each to its own tenant: a held
# connection shows in its own tenant's net:conns only, then 64 MiB each through echo.
test_tcp_echo_sites_in_parallel() {
    require_appliance
    services_on A B C
    scratch_dir
    local site pid status
    declare -A held_pid=() held_port=([A]=$((FIXED_PORT_BASE + 1)) [B]=$((FIXED_PORT_BASE + 2)) [C]=$((FIXED_PORT_BASE + 3))) echo_pid=()
    for site in A B C; do
        peer_bg "$SCRATCH/held-$site.out" 60 "$site" many "$TENANT_IP" "$ECHO_PORT" 1 "$SCRATCH/release" \
            --src-port "${held_port[$site]}"
        held_pid[$site]=$PEER_PID
    done
    for site in A B C; do
        wait_until 10 grep -qsx "open 1" "$SCRATCH/held-$site.out" ||
            fail "site $site: no echo connection held open within 10 s: $(tr '\n' ' ' <"$SCRATCH/held-$site.out")"
    done
    local tenant other listing
    for tenant in A B C; do
        listing=$(conns "$tenant")
        for other in A B C; do
            local row
            row=$(awk -v r="$SITE_HOST_IP:${held_port[$other]}" '$1 == "ESTABLISHED" && $3 == r' <<<"$listing")
            if [[ $tenant == "$other" && -z $row ]]; then
                fail "net:conns $tenant does not show site $tenant's connection from $SITE_HOST_IP:${held_port[$other]}: $(tr '\n' '|' <<<"$listing")"
            elif [[ $tenant != "$other" && -n $row ]]; then
                fail "net:conns $tenant shows site $other's connection: $row"
            fi
        done
    done
    note "each tenant's net:conns shows its own site's connection only (source ports ${held_port[*]})"
    touch "$SCRATCH/release"

    for site in A B C; do random_file "$SCRATCH/sent-$site" "$BIG_MIB"; done
    for site in A B C; do
        peer_bg "$SCRATCH/echo-$site.out" 120 "$site" echo "$TENANT_IP" "$ECHO_PORT" "$SCRATCH/sent-$site" \
            "$SCRATCH/received-$site"
        echo_pid[$site]=$PEER_PID
    done
    for site in A B C; do
        wait "${echo_pid[$site]}"
        status=$?
        note "site $site: $(tr '\n' ' ' <"$SCRATCH/echo-$site.out")"
        if ((status != 0)); then
            fail "site $site: the $BIG_MIB MiB echo exited $status: $(tr '\n' ' ' <"$SCRATCH/echo-$site.out")"
        elif expect_same_bytes "site $site: $BIG_MIB MiB through tenant $site's echo" "$SCRATCH/sent-$site" "$SCRATCH/received-$site"; then
            note "site $site: $BIG_MIB MiB came back byte-exact"
        fi
    done
    for site in A B C; do
        pid=${held_pid[$site]}
        wait "$pid" || fail "site $site: the held echo connection did not close cleanly: $(tr '\n' ' ' <"$SCRATCH/held-$site.out")"
    done
}

# chargen_expected LINES: the RFC 864 pattern, line n = 72 characters from ' '+n, CRLF.
chargen_expected() {
    /usr/bin/python3 -c '
import sys
for n in range(int(sys.argv[1])):
    sys.stdout.buffer.write(bytes(32 + (n + i) % 95 for i in range(72)) + b"\r\n")' "$1"
}

test_tcp_discard_and_chargen() {
    require_appliance
    services_on A
    scratch_dir
    local output
    if output=$(peer 60 A discard "$TENANT_IP" "$DISCARD_PORT" $((BIG_MIB * 1024 * 1024))); then
        note "site A: $output"
    else
        fail "site A: discard of $BIG_MIB MiB: $output"
    fi
    local chargen_lines=200
    chargen_expected "$chargen_lines" >"$SCRATCH/chargen-expected"
    if output=$(peer 20 A chargen "$TENANT_IP" "$CHARGEN_PORT" "$chargen_lines" "$SCRATCH/chargen"); then
        expect_same_bytes "site A: the first $chargen_lines lines of chargen against the RFC 864 pattern" \
            "$SCRATCH/chargen-expected" "$SCRATCH/chargen" && note "chargen: the first $chargen_lines lines are the RFC 864 pattern; line 1: '$(head -1 "$SCRATCH/chargen" | tr -d '\r')'"
    else
        fail "site A: chargen: $output"
    fi
}

established_from_site_host() { conns_rows_for "$1" ESTABLISHED "^${SITE_HOST_IP//./[.]}:"; }
none_established_from_site_host() { (($(established_from_site_host "$1") == 0)); }

# 1000 echo connections from one site, all open at once, then closed.
test_tcp_thousand_connections() {
    require_appliance
    services_on A
    scratch_dir
    local n=1000 pid status established site_side
    ulimit -n 8192
    peer_bg "$SCRATCH/many.out" 90 A many "$TENANT_IP" "$ECHO_PORT" "$n" "$SCRATCH/release" --timeout 30
    pid=$PEER_PID
    wait_until 40 grep -qs "^open " "$SCRATCH/many.out" || fatal "the $n connections were not all opened (or failed) within 40 s: $(tr '\n' ' ' <"$SCRATCH/many.out")"
    expect_eq "site A: echo connections opened and echoed" "open $n" "$(grep '^open ' "$SCRATCH/many.out")"
    established=$(established_from_site_host A)
    site_side=$(in_site A ss -Htn state established "dst $TENANT_IP and dport = :$ECHO_PORT" | wc -l)
    note "all open: net:conns A shows $established ESTABLISHED from $SITE_HOST_IP, site A's ss shows $site_side"
    ((established >= n)) || fail "net:conns A shows $established ESTABLISHED connections from $SITE_HOST_IP, expected at least $n"
    expect_eq "site A: established connections to $TENANT_IP:$ECHO_PORT (ss)" "$n" "$site_side"
    touch "$SCRATCH/release"
    wait "$pid"
    status=$?
    note "site A: $(tr '\n' ' ' <"$SCRATCH/many.out")"
    expect_eq "exit status of the $n-connection client" 0 "$status"
    wait_until 5 none_established_from_site_host A ||
        fail "net:conns A still shows $(established_from_site_host A) ESTABLISHED connections from $SITE_HOST_IP 5 s after they were closed"
}


# The tenant connects into its own site (the patent's push): sites A and B both listen on
# the same address and port; each tenant reaches its own site's server.
test_tcp_push_into_site() {
    require_appliance
    scratch_dir
    local port=5000 site pid output status
    declare -A server_pid=()
    for site in A B; do
        peer_bg "$SCRATCH/request-$site.out" 30 "$site" serve "$port" "site $site got it" "$SCRATCH/request-$site"
        server_pid[$site]=$PEER_PID
    done
    for site in A B; do
        wait_until 5 grep -qsx listening "$SCRATCH/request-$site.out" ||
            fail "site $site: the one-shot server did not listen within 5 s"
        output=$(app_client "net:send $site $SITE_HOST_IP:$port 'push from tenant $site'" 2>&1)
        status=$?
        printf '%s\n' "$output" | sed 's/^/      /'
        expect_eq "exit status of net:send $site $SITE_HOST_IP:$port" 0 "$status"
        grep -qF "site $site got it" <<<"$output" || fail "net:send $site did not print site $site's answer"
        wait_until 5 test -e "$SCRATCH/request-$site" || fail "site $site's server received no request"
        expect_eq "what site $site's server received" "push from tenant $site" "$(cat "$SCRATCH/request-$site" 2>/dev/null)"
        pid=${server_pid[$site]}
        wait "$pid" || fail "site $site's one-shot server failed: $(tr '\n' ' ' <"$SCRATCH/request-$site.out")"
    done
    if output=$(app_client "net:send A $SITE_HOST_IP:$CLOSED_PORT hello" 2>&1); then
        fail "net:send to a closed port in site A exited 0: $output"
    else
        note "net:send A $SITE_HOST_IP:$CLOSED_PORT: $(tr '\n' ' ' <<<"$output" | cut -c1-200)"
        grep -qi "refused" <<<"$output" || fail "net:send to a closed port in site A does not say 'refused': $output"
    fi
}

# A closed port of the tenant answers the SYN with a reset at once.
test_tcp_closed_port_refused() {
    require_appliance
    local output started took
    started=$(now_ms)
    output=$(in_site A nc -z -v -w 3 "$TENANT_IP" "$CLOSED_PORT" 2>&1) && fail "nc -z $TENANT_IP $CLOSED_PORT succeeded: $output"
    took=$(($(now_ms) - started))
    note "nc -z -v $TENANT_IP $CLOSED_PORT after $(fmt_ms "$took")s: $output"
    grep -q "Connection refused" <<<"$output" || fail "nc did not report 'Connection refused': $output"
    ((took < 1000)) || fail "refusal took $(fmt_ms "$took")s, expected under 1 s"
}

test_udp_echo_and_unreachable() {
    require_appliance
    services_on A
    local size output
    # 1422 bytes fill the site's 1450-byte MTU exactly; 1423 and 8000 travel as IPv4
    # fragments both ways (reassembled by the tenant, the echo fragmented by it).
    local sizes=(1 512 1422 1423 8000)
    for size in "${sizes[@]}"; do
        output=$(peer 5 A udp "$TENANT_IP" "$ECHO_PORT" "$size") || fail "site A: UDP echo of $size bytes: $output"
    done
    note "site A: UDP echo returned datagrams of ${sizes[*]} bytes unchanged"
    if output=$(peer 5 A udp-closed "$TENANT_IP" "$CLOSED_PORT"); then
        note "site A: a datagram to UDP port $CLOSED_PORT: $output"
    else
        fail "site A: a datagram to closed UDP port $CLOSED_PORT: $output"
    fi
}

# A capture of one echo exchange is a pcap tcpdump reads, holding the handshake.
test_tcp_capture_handshake() {
    require_appliance
    services_on A
    scratch_dir
    local output src_port=$((FIXED_PORT_BASE + 77)) handshake client server
    printf 'captured\n' >"$SCRATCH/line"
    output=$(app_client "net:capture -b A $SCRATCH/echo.pcap 3" 2>&1) || fatal "net:capture -b A failed: $output"
    sleep 0.5
    output=$(peer 10 A echo "$TENANT_IP" "$ECHO_PORT" "$SCRATCH/line" "$SCRATCH/back" --src-port "$src_port") ||
        fail "site A: echo during the capture: $output"
    sleep 3
    if ! output=$(tcpdump -nn -r "$SCRATCH/echo.pcap" 2>&1); then
        fatal "tcpdump -nn -r cannot read the capture: $output"
    fi
    printf '%s\n' "$output" | head -12 | sed 's/^/      /'
    client="$SITE_HOST_IP.$src_port"
    server="$TENANT_IP.$ECHO_PORT"
    handshake=$(awk -v c="$client" -v s="$server" '
        $3 == c && $5 == s ":" && $6 == "Flags" && $7 == "[S]," { step = 1; next }
        step == 1 && $3 == s && $5 == c ":" && $7 == "[S.]," { step = 2; next }
        step == 2 && $3 == c && $5 == s ":" && $7 ~ /^\[\.\]/ { step = 3; exit }
        END { print step + 0 }' <<<"$output")
    expect_eq "handshake steps (S, S., .) between $client and $server in the capture" 3 "$handshake"
}
