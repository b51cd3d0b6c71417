# shellcheck shell=bash
# The appliance comes up on the scenario's home and runs tenants A, B and C.

tenant_list_has_scenario() {
    local listing
    listing=$(app_client tenant:list 2>/dev/null) || return 1
    grep -qw A <<<"$listing" && grep -qw B <<<"$listing" && grep -qw C <<<"$listing"
}

test_appliance_starts() {
    require_appliance
    if ! wait_until 90 tenant_list_has_scenario; then
        app_alive || fatal "the appliance exited during start-up (status '$(app_exit_status)'): $(tail -5 "$APP_HOME/e2e/console.log" | tr '\n' ' ')"
        fatal "tenant:list did not list A, B and C within 90 s; last output: $(app_client tenant:list 2>&1 | tr '\n' ' ')"
    fi
    note "tenant:list lists A, B and C after $(fmt_ms "$WAITED_MS")s"
    app_client tenant:list | sed 's/^/      /'
}

# Valid files deserve no warning: an operator reading "ignoring unknown keys" about a
# file that has none would look for a mistake that is not there.
test_valid_files_accepted_quietly() {
    require_appliance
    local file lines
    for file in "$(app_etc)"/*.cfg; do
        file=$(basename "$file" .cfg)
        lines=$(app_log_lines | grep -F "$file" | grep -E 'WARN|SEVERE|ERROR' | head -1)
        [[ -z $lines ]] || fail "valid file $file.cfg drew: $lines"
    done
}

# The VXLAN endpoint listens where etc/io.multistack.access.vxlan.cfg says, and nowhere
# else, not even while starting: a default bind to 0.0.0.0:4789 before the file is read
# would expose the endpoint on every address for a moment, and would collide with another
# appliance (the demo's) in the same namespace.
test_listens_only_where_configured() {
    require_appliance
    local sockets elsewhere
    sockets=$(in_hub ss -Hlun "sport = :$VXLAN_PORT" | awk '{print $4}')
    expect_eq "addresses of the UDP sockets on port $VXLAN_PORT in the hub namespace" "$HUB_IP:$VXLAN_PORT" \
        "$(sort -u <<<"$sockets")"
    # one socket per data-path loop (one loop per processor), the kernel steering among them
    expect_eq "UDP sockets on $HUB_IP:$VXLAN_PORT" "$(nproc)" "$(grep -c . <<<"$sockets")"
    if (($(nproc) > 1)); then
        app_log_lines | grep -q "socket(s), steered to the tenant's loop" ||
            fail "the endpoint did not say that it steers packets to the tenants' loops"
    fi
    elsewhere=$(app_log_lines | grep -i 'listening on' | grep -vF "$HUB_IP:$VXLAN_PORT" | head -1)
    [[ -z $elsewhere ]] || fail "the appliance listened elsewhere than $HUB_IP:$VXLAN_PORT: $elsewhere"
}

udp_sockets_on_vxlan_port() { in_hub ss -Hlun "sport = :$VXLAN_PORT" | grep -c .; }
vxlan_sockets_are() { (($(udp_sockets_on_vxlan_port) == $1)); }

# expect_one_loop_serving SINCE LOG_WORD...: after a loops file with threads = 1 (written at
# SINCE): the log says "1 data-path loop(s)" (with LOG_WORDs), one socket is left, and every
# site is answered again, by its own tenant.
expect_one_loop_serving() {
    local since=$1 site
    shift
    wait_until 20 app_log_find "1 data-path loop(s)" "$@" >/dev/null ||
        fail "no '1 data-path loop(s)' with '$*' in the log within 20 s of writing the loops file"
    wait_until 20 vxlan_sockets_are 1 ||
        fail "not one UDP socket on port $VXLAN_PORT after threads = 1: $(udp_sockets_on_vxlan_port)"
    for site in A B C; do
        expect_answers_within "$site" "$TENANT_IP" "$since" 30
        expect_eq "site $site: MAC of $TENANT_IP (its own tenant)" "${TENANT_MAC[$site]}" \
            "$(site_neigh_mac "$site" "$TENANT_IP")"
    done
}

# expect_default_loops_serving SINCE: after the loops file went (at SINCE): one socket per
# processor again, and every site answered.
expect_default_loops_serving() {
    local since=$1 site
    wait_until 20 vxlan_sockets_are "$(nproc)" ||
        fail "not $(nproc) UDP sockets on port $VXLAN_PORT after the file went: $(udp_sockets_on_vxlan_port)"
    for site in A B C; do
        expect_answers_within "$site" "$TENANT_IP" "$since" 30
    done
}

# Resizing the data-path loops (etc/io.multistack.loops.cfg) is a restart of the endpoint and
# of every tenant stack on the new loops: afterwards each site is answered again, by its own
# tenant, through one socket per loop; removing the file goes back to one loop per processor.
test_loops_resized_live() {
    require_appliance
    local since
    on_test_exit "app_remove_cfg io.multistack.loops"
    since=$(now_ms)
    app_write_cfg io.multistack.loops "threads = 1"
    expect_one_loop_serving "$since"
    since=$(now_ms)
    app_remove_cfg io.multistack.loops
    expect_default_loops_serving "$since"
}

# loop_cpu_ticks: CPU time (clock ticks) used so far by the appliance's data-path loop threads.
loop_cpu_ticks() {
    local task total=0
    for task in /proc/"$(app_pid)"/task/*; do
        [[ $(cat "$task/comm" 2>/dev/null) == multistack-loop* ]] || continue
        # utime and stime are fields 14 and 15; the name (field 2) has no spaces here
        total=$((total + $(awk '{print $14 + $15}' "$task/stat")))
    done
    echo "$total"
}

# idle_loop_ticks: the loops' CPU time (clock ticks) over one second in which nothing arrives.
idle_loop_ticks() {
    local before
    before=$(loop_cpu_ticks)
    sleep 1
    echo $(($(loop_cpu_ticks) - before))
}

# busyPoll = true (etc/io.multistack.loops.cfg): the loops poll without sleeping, a processor
# each, and serve as before; the file's removal puts them back to sleeping between packets.
test_busy_polling_loops() {
    require_appliance
    local since used ticks
    ticks=$(getconf CLK_TCK)
    on_test_exit "app_remove_cfg io.multistack.loops"
    since=$(now_ms)
    app_write_cfg io.multistack.loops "threads = 1" "busyPoll = true"
    expect_one_loop_serving "$since" busy
    expect_eq "site A: echo replies to 20 requests from a busy-polling loop" 20 \
        "$(site_ping_received A "$TENANT_IP" 20)"
    # a sleeping loop would use next to no CPU time in an idle second
    used=$(idle_loop_ticks)
    ((used * 2 >= ticks)) || fail "the busy-polling loop used $used of $ticks ticks in an idle second"
    note "busy-polling loop: $used of $ticks ticks of CPU in an idle second"
    since=$(now_ms)
    app_remove_cfg io.multistack.loops
    expect_default_loops_serving "$since"
    used=$(idle_loop_ticks)
    ((used * 5 < ticks)) || fail "the loops, sleeping again, used $used of $ticks ticks in an idle second"
}
