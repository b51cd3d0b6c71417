# shellcheck shell=bash
# Bookkeeping, assertions and bounded waiting for the e2e suite.
#
# A test is a shell function run in a subshell by run_test. Inside it:
#   fail MSG     record a failure and go on (the test fails at its end)
#   fatal MSG    record a failure and end the test now
#   skip MSG     end the test as skipped
#   note MSG     say something useful for a later reader
#   on_test_exit CMD   run CMD when the test ends, however it ends (last added runs first)
# Nothing here uses `set -e`: every assertion is explicit.

E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0
E2E_FAILED_NAMES=()
readonly E2E_SKIP_STATUS=77

stamp() { local t=$EPOCHREALTIME frac; frac=${t#*.}; printf '%(%H:%M:%S)T.%s' "${t%.*}" "${frac:0:3}"; }
say() { printf '%s %s\n' "$(stamp)" "$*"; }
note() { say "    $*"; }

fail() {
    say "    FAIL: $*"
    TEST_FAILURES=$((TEST_FAILURES + 1))
}
fatal() {
    fail "$@"
    exit 1
}
skip() {
    say "    SKIP: $*"
    exit "$E2E_SKIP_STATUS"
}
on_test_exit() { TEST_CLEANUPS=("$1" "${TEST_CLEANUPS[@]}"); }

# Runs when a test's subshell exits: undo what the test changed, then report its verdict.
_test_exit() {
    local status=$? cleanup
    trap - EXIT
    for cleanup in "${TEST_CLEANUPS[@]}"; do
        eval "$cleanup" || say "    (cleanup failed: $cleanup)"
    done
    if ((status == 0 && TEST_FAILURES > 0)); then status=1; fi
    exit "$status"
}

# run_test FUNCTION: runs one test function in a subshell and counts its verdict.
run_test() {
    local name=$1 status started
    started=$(now_ms)
    say "=== $name"
    (
        TEST_NAME=$name
        TEST_FAILURES=0
        TEST_CLEANUPS=()
        trap _test_exit EXIT
        "$name"
        exit 0
    )
    status=$?
    local took
    took=$(fmt_ms $(($(now_ms) - started)))
    case $status in
        0) E2E_PASSED=$((E2E_PASSED + 1)); say "--- PASS $name (${took}s)" ;;
        "$E2E_SKIP_STATUS") E2E_SKIPPED=$((E2E_SKIPPED + 1)); say "--- SKIP $name" ;;
        *) E2E_FAILED=$((E2E_FAILED + 1)); E2E_FAILED_NAMES+=("$name"); say "--- FAIL $name (${took}s)" ;;
    esac
}

# The one line the suite ends with.
summary_line() {
    local line="$E2E_PASSED passed, $E2E_FAILED failed"
    ((E2E_SKIPPED > 0)) && line+=", $E2E_SKIPPED skipped"
    echo "$line"
}

# --- time ---------------------------------------------------------------------------

now_ms() { local t=$EPOCHREALTIME; echo $(((${t%.*} * 1000000 + 10#${t#*.}) / 1000)); }
fmt_ms() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
# to_ms SECONDS: "3" or "2.5" to milliseconds.
to_ms() {
    local seconds=$1 frac=000
    [[ $seconds == *.* ]] && { frac=${seconds#*.}000; frac=${frac:0:3}; }
    echo $((10#${seconds%%.*} * 1000 + 10#$frac))
}

# seconds_left SINCE_MS SECONDS: what remains of SECONDS counted from SINCE_MS (or 0).
seconds_left() {
    local left=$(($(to_ms "$2") - ($(now_ms) - $1)))
    ((left < 0)) && left=0
    fmt_ms "$left"
}

# wait_until SECONDS CMD...: polls CMD (every 0.1 s plus CMD's own duration) until it
# succeeds or SECONDS have passed since the call. A CMD started before the deadline still
# counts. Sets WAITED_MS to the time from the call to the start of the successful attempt.
wait_until() {
    local limit_ms start attempt_start
    limit_ms=$(to_ms "$1")
    shift
    start=$(now_ms)
    while :; do
        attempt_start=$(now_ms)
        if "$@"; then
            WAITED_MS=$((attempt_start - start))
            return 0
        fi
        (($(now_ms) - start >= limit_ms)) && break
        sleep 0.1
    done
    WAITED_MS=$(($(now_ms) - start))
    return 1
}

# --- assertions ---------------------------------------------------------------------

# check DESCRIPTION CMD...: fails the test (and goes on) unless CMD succeeds.
check() {
    local description=$1
    shift
    "$@" || fail "$description (command: $*)"
}

expect_eq() {
    local description=$1 expected=$2 actual=$3
    [[ $expected == "$actual" ]] || fail "$description: expected '$expected', got '$actual'"
}

# --- environment --------------------------------------------------------------------

# require_tools TOOL...: ends the whole run with a clear message if any tool is missing.
require_tools() {
    local tool missing=()
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if ((${#missing[@]} > 0)); then
        echo "e2e: missing tools: ${missing[*]} (install them with e2e/install-deps)" >&2
        exit 2
    fi
}

require_root() {
    if [[ $EUID -ne 0 ]]; then
        echo "e2e: must run as root (it creates network namespaces)" >&2
        exit 2
    fi
}

# spawn CMD...: run as `spawn CMD... &`. The background subshell becomes CMD (so $! is
# CMD's pid, to signal and to poll) and CMD does not inherit the run lock, which a
# long-lived process would otherwise hold on to after the run.
spawn() {
    if [[ -n ${E2E_LOCK_FD:-} ]]; then
        exec "$@" {E2E_LOCK_FD}>&-
    fi
    exec "$@"
}

# Two runs at once would share namespace names: refuse the second.
take_run_lock() {
    exec {E2E_LOCK_FD}>"/run/$E2E_PREFIX.lock"
    if ! flock -n "$E2E_LOCK_FD"; then
        echo "e2e: another run holds /run/$E2E_PREFIX.lock" >&2
        exit 2
    fi
}
