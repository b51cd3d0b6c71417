# shellcheck shell=bash
# The appliance under test: a temporary home under /tmp, started in the hub namespace.
#
# The launcher runs in the foreground without a terminal (its daemon mode). A small
# wrapper records its pid and, when it ends, its exit status, so that any test (each runs
# in a subshell) can signal it and read how it ended.

MULTISTACK=${MULTISTACK:-$E2E_REPO/runtime/bin/multistack}
APP_HOME=${APP_HOME:-}

app_etc() { echo "$APP_HOME/etc"; }
app_cfg_path() { echo "$APP_HOME/etc/$1.cfg"; }
app_pid() { cat "$APP_HOME/e2e/pid" 2>/dev/null; }
app_alive() {
    local pid
    pid=$(app_pid) && [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}
app_exit_status() { cat "$APP_HOME/e2e/exit-status" 2>/dev/null; }

app_home_create() {
    APP_HOME=$(mktemp -d "/tmp/$E2E_PREFIX.XXXXXX") || return 1
    # e2e/ holds the harness's own files: staging for atomic writes, pid, exit status.
    mkdir -p "$APP_HOME/etc" "$APP_HOME/log" "$APP_HOME/e2e"
}

# app_write_cfg PID_NAME LINE...: writes etc/PID_NAME.cfg atomically (written beside etc/,
# then renamed), so the appliance never reads half a file. An identical file is left alone,
# so that restoring a file in a test's cleanup is a no-op when the test restored it already.
app_write_cfg() {
    local name=$1 staged target
    shift
    staged="$APP_HOME/e2e/$name.cfg"
    target=$(app_cfg_path "$name")
    printf '%s\n' "$@" >"$staged" || return 1
    if cmp -s "$staged" "$target"; then
        rm -f "$staged"
        return 0
    fi
    mv -f "$staged" "$target"
}
app_remove_cfg() { rm -f "$(app_cfg_path "$1")"; }

app_start() {
    local pidfile="$APP_HOME/e2e/pid"
    rm -f "$pidfile" "$APP_HOME/e2e/exit-status"
    (
        spawn ip netns exec "$HUB_NS" "$MULTISTACK" --home "$APP_HOME" \
            </dev/null >>"$APP_HOME/e2e/console.log" 2>&1 &
        echo $! >"$pidfile"
        wait $!
        echo $? >"$APP_HOME/e2e/exit-status"
    ) &
    wait_until 5 test -s "$pidfile"
}

# app_client COMMAND: one Gogo command in the running appliance; its output and status.
app_client() {
    timeout 30 ip netns exec "$HUB_NS" "$MULTISTACK" --home "$APP_HOME" client "$1"
}

# app_stop_now: SIGTERM, then SIGKILL after 30 s; for the final cleanup, not for tests.
app_stop_now() {
    local pid
    pid=$(app_pid) || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    wait_until 30 app_dead || kill -KILL "$pid" 2>/dev/null
}
app_dead() { ! app_alive; }

# app_log_lines: everything the appliance logged, in log/ and on its console.
app_log_lines() { cat "$APP_HOME"/log/* "$APP_HOME/e2e/console.log" 2>/dev/null; }

# app_log_find TEXT WORD...: the log lines holding TEXT (a fixed string, e.g. a file's
# name) and every WORD as a word; fails when there is none.
app_log_find() {
    local lines word
    lines=$(app_log_lines | grep -F -- "$1")
    shift
    for word in "$@"; do
        lines=$(grep -w -- "$word" <<<"$lines")
    done
    [[ -n $lines ]] && printf '%s\n' "$lines"
}

# The process ids of anything still running from this home (e.g. a JVM the launcher left).
app_leftover_pids() {
    local pid
    for pid in $(pgrep -f -- "$APP_HOME" 2>/dev/null); do
        [[ $pid != "$$" && $pid != "$BASHPID" ]] && echo "$pid"
    done
}

# require_appliance: later tests need a running appliance; say so plainly if it is gone.
require_appliance() {
    app_alive || fatal "the appliance is not running (exit status '$(app_exit_status)'; console: $APP_HOME/e2e/console.log)"
}
