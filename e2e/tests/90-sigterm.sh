# shellcheck shell=bash
# SIGTERM stops the appliance cleanly: exit status 0, nothing left running.

test_sigterm_stops_cleanly() {
    require_appliance
    local pid leftovers
    pid=$(app_pid)
    kill -TERM "$pid"
    wait_until 30 app_dead || fatal "the appliance (pid $pid) still runs 30 s after SIGTERM"
    note "the appliance exited $(fmt_ms "$WAITED_MS")s after SIGTERM"
    wait_until 5 test -s "$APP_HOME/e2e/exit-status"
    expect_eq "exit status after SIGTERM" 0 "$(app_exit_status)"
    leftovers=$(app_leftover_pids)
    [[ -z $leftovers ]] || fail "processes of this home still run after the launcher exited: $(ps -o pid=,args= -p "${leftovers//$'\n'/,}" | cut -c1-200)"
}
