# shellcheck shell=bash
# The ftp server process with real clients (curl, lftp, tnftp, inetutils-ftp, nc) from
# sites whose hosts all have the same address: each site reaches its own tenant's files,
# passive data connections go to the tenant's address, active ones are opened by the
# tenant's stack into the site (the patent's push).
#
# Every test starts with ftp_ready, which (idempotently) gives tenants A, B and C the
# service `ftp`, a user alice (a different password per tenant) and their own hello.txt.
# test_ftp_kill9_during_upload, the last, kills the appliance, starts it again and restores
# the scenario's tenant files.

FTP_PORT=21
FTP_USER=alice

ftp_root() { echo "$APP_HOME/data/tenants/$1/ftp"; }
ftp_settings_name() { echo "io.multistack.ftp~$1"; }
ftp_password() { echo "pw-$1-s3cret"; }
ftp_hello_text() { echo "tenant $1 ftp says hello"; }
ftp_url() { echo "ftp://$TENANT_IP$1"; }

# ftp_write_tenant NAME: the scenario's tenant file with services=ftp.
ftp_write_tenant() {
    local name=$1 lines
    lines=("vlan=${TENANT_VLAN[$name]}" "address=$TENANT_CIDR" "services=ftp")
    [[ $name == A ]] && lines+=("mac=$TENANT_A_MAC")
    app_write_cfg "$(tenant_cfg_name "$name")" "${lines[@]}"
}

# ftp_set NAME KEY [VALUE]: sets (or without VALUE removes) one key of the tenant's ftp
# settings file, keeping the others (the users ftp:useradd wrote), atomically.
ftp_set() {
    local name=$1 key=$2 file staged
    file=$(app_cfg_path "$(ftp_settings_name "$name")")
    staged="$APP_HOME/e2e/$(ftp_settings_name "$name").cfg"
    { [[ -f $file ]] && grep -v "^$key *=" "$file"; ((${#} > 2)) && echo "$key = $3"; } >"$staged"
    mv -f "$staged" "$file"
}

# site_ftp SITE CURL_ARGS...: curl in the site as alice of the site's tenant, bounded.
site_ftp() {
    local site=$1
    shift
    in_site "$site" curl -sS --max-time 60 -u "$FTP_USER:$(ftp_password "$site")" "$@"
}

ftp_listening() { app_client flow:table 2>/dev/null | grep -E "^ *$1\b.*ftp" | grep -q "listening on"; }
ftp_has_user() { app_client "ftp:users $1" 2>/dev/null | grep -qx "$FTP_USER"; }
ftp_serves_own_hello() { [[ $(site_ftp "$1" "$(ftp_url /hello.txt)" 2>/dev/null) == "$(ftp_hello_text "$1")" ]]; }

ftp_ready() {
    local site output
    for site in A B C; do
        mkdir -p "$(ftp_root "$site")" || fatal "cannot create $(ftp_root "$site")"
        ftp_hello_text "$site" >"$(ftp_root "$site")/hello.txt"
        [[ -f $(app_cfg_path "$(ftp_settings_name "$site")") ]] || ftp_set "$site" loginDelayMillis 200
        ftp_write_tenant "$site"
    done
    for site in A B C; do
        wait_until 20 ftp_listening "$site" || fatal "flow:table does not show tenant $site's ftp listening within 20 s"
        if ! ftp_has_user "$site"; then
            output=$(app_client "ftp:useradd $site $FTP_USER $(ftp_password "$site")" 2>&1) ||
                fatal "ftp:useradd $site $FTP_USER failed: $output"
        fi
    done
    for site in A B C; do
        wait_until 20 ftp_serves_own_hello "$site" ||
            fatal "site $site: $(ftp_url /hello.txt) is not tenant $site's within 20 s: $(site_ftp "$site" "$(ftp_url /hello.txt)" 2>&1 | head -3)"
    done
}

# ftp_raw SITE LINE...: one control connection from the site: the lines sent at once (the
# server answers them in order); prints the replies until the server closes (QUIT), 8 s at most.
ftp_raw() {
    local site=$1
    shift
    # shellcheck disable=SC2016
    in_site "$site" timeout 8 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; shift; printf "%s\r\n" "$@" >&3; cat <&3' \
        "$TENANT_IP" "$FTP_PORT" "$@" 2>/dev/null | tr -d '\r'
}

# ftp_reply_after_login SITE COMMAND: the reply code alice gets for COMMAND.
ftp_reply_after_login() {
    ftp_raw "$1" "USER $FTP_USER" "PASS $(ftp_password "$1")" "$2" QUIT |
        awk 'found {print substr($0, 1, 3); exit} /^230 /{found = 1}'
}

expect_reply() {
    local site=$1 command=$2 expected=$3 got
    got=$(ftp_reply_after_login "$site" "$command")
    [[ $got == "$expected"* ]] || fail "site $site: '$command' answered '$got', expected $expected"
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

ftp_scratch() {
    SCRATCH="$APP_HOME/e2e/$TEST_NAME"
    rm -rf "$SCRATCH"
    mkdir -p "$SCRATCH"
    on_test_exit "rm -rf '$SCRATCH'"
}

test_ftp_each_site_sees_own_files() {
    require_appliance
    ftp_ready
    local site listing table
    for site in A B C; do
        expect_eq "site $site: passive RETR /hello.txt" "$(ftp_hello_text "$site")" \
            "$(site_ftp "$site" "$(ftp_url /hello.txt)")"
        expect_eq "site $site: active (PORT/EPRT) RETR /hello.txt" "$(ftp_hello_text "$site")" \
            "$(site_ftp "$site" -P - "$(ftp_url /hello.txt)")"
        echo "only $site" >"$(ftp_root "$site")/only-$site.txt"
    done
    for site in A B C; do
        listing=$(site_ftp "$site" -l "$(ftp_url /)")
        grep -qx "only-$site.txt" <<<"$listing" || fail "site $site: NLST / lacks only-$site.txt: $listing"
        [[ $(grep -c '^only-' <<<"$listing") == 1 ]] || fail "site $site: NLST / shows other tenants' files: $listing"
        listing=$(site_ftp "$site" "$(ftp_url /)")
        grep -q " hello.txt$" <<<"$listing" || fail "site $site: LIST / lacks hello.txt: $listing"
    done
    for site in A B C; do rm -f "$(ftp_root "$site")/only-$site.txt"; done
    # a password is per tenant: A's password does not open B
    in_site B curl -sS --max-time 20 -u "$FTP_USER:$(ftp_password A)" "$(ftp_url /hello.txt)" >/dev/null 2>&1 &&
        fail "site B: tenant A's password logged in to tenant B"
    table=$(app_client flow:table 2>&1)
    grep -E "ftp" <<<"$table" | sed 's/^/      /'
}

test_ftp_curl_transfers_and_resume() {
    require_appliance
    ftp_ready
    ftp_scratch
    local big="$SCRATCH/big.bin" got="$SCRATCH/got.bin" mode flag
    head -c $((24 << 20)) /dev/urandom >"$big"
    for mode in passive active; do
        flag=()
        [[ $mode == active ]] && flag=(-P -)
        check "$mode: curl uploads 24 MiB" site_ftp A "${flag[@]}" -T "$big" "$(ftp_url /up-$mode.bin)"
        expect_eq "$mode: the uploaded file on the server" "$(sha "$big")" "$(sha "$(ftp_root A)/up-$mode.bin")"
        check "$mode: curl downloads it again" site_ftp A "${flag[@]}" -o "$got" "$(ftp_url /up-$mode.bin)"
        expect_eq "$mode: the downloaded file" "$(sha "$big")" "$(sha "$got")"
        rm -f "$got"
    done
    # resumed upload: the server has the first 10 MiB, curl -C - appends the rest (SIZE, APPE)
    head -c $((10 << 20)) "$big" >"$(ftp_root A)/resume-up.bin"
    check "curl -C - resumes an upload" site_ftp A -C - -T "$big" "$(ftp_url /resume-up.bin)"
    expect_eq "resumed upload" "$(sha "$big")" "$(sha "$(ftp_root A)/resume-up.bin")"
    # resumed download: the client has the first 7 MiB, curl -C - asks REST 7340032 + RETR
    head -c $((7 << 20)) "$big" >"$got"
    check "curl -C - resumes a download" site_ftp A -C - -o "$got" "$(ftp_url /up-passive.bin)"
    expect_eq "resumed download" "$(sha "$big")" "$(sha "$got")"
    # directories, rename, delete through curl's quote commands
    check "MKD, RNFR/RNTO, DELE" site_ftp A -Q "MKD /made" -Q "RNFR /up-active.bin" -Q "RNTO /made/moved.bin" \
        -Q "DELE /resume-up.bin" "$(ftp_url /)" -o /dev/null
    [[ -d $(ftp_root A)/made && -f $(ftp_root A)/made/moved.bin && ! -e $(ftp_root A)/resume-up.bin ]] ||
        fail "MKD/RNTO/DELE did not change the tenant's folder as asked: $(ls -R "$(ftp_root A)" | tr '\n' ' ')"
    rm -rf "$(ftp_root A)"/made "$(ftp_root A)"/up-*.bin "$(ftp_root A)"/resume-up.bin
    # no temporary is ever visible or left behind
    [[ -z $(find "$(ftp_root A)" -name '.ftp-upload-*') ]] || fail "upload temporaries left in $(ftp_root A)"
}

test_ftp_lftp_mirror() {
    require_appliance
    ftp_ready
    ftp_scratch
    local tree
    tree="$(ftp_root B)/tree"
    mkdir -p "$tree/sub/deeper"
    echo "a" >"$tree/a.txt"
    head -c $((3 << 20)) /dev/urandom >"$tree/sub/b.bin"
    echo "umlaut" >"$tree/sub/grüße ü.txt"
    : >"$tree/sub/deeper/empty"
    check "lftp mirrors /tree from tenant B" in_site B timeout 60 lftp -u "$FTP_USER,$(ftp_password B)" \
        -e "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; mirror /tree $SCRATCH/down; bye" \
        "$TENANT_IP"
    diff -r "$tree" "$SCRATCH/down" >/dev/null || fail "lftp mirror differs: $(diff -rq "$tree" "$SCRATCH/down" | head -5)"
    check "lftp mirror -R uploads the tree to /back" in_site B timeout 60 lftp -u "$FTP_USER,$(ftp_password B)" \
        -e "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; mirror -R $SCRATCH/down /back; bye" \
        "$TENANT_IP"
    diff -r "$tree" "$(ftp_root B)/back" >/dev/null ||
        fail "lftp mirror -R differs: $(diff -rq "$tree" "$(ftp_root B)/back" | head -5)"
    [[ ! -e $(ftp_root A)/back && ! -e $(ftp_root C)/back ]] || fail "B's upload appeared in another tenant"
    rm -rf "$tree" "$(ftp_root B)/back"
}

test_ftp_tnftp_and_inetutils_sessions() {
    require_appliance
    ftp_ready
    ftp_scratch
    local output
    head -c $((2 << 20)) /dev/urandom >"$SCRATCH/local.bin"
    # tnftp: passive by default
    output=$(cd "$SCRATCH" && printf '%s\n' "user $FTP_USER $(ftp_password C)" binary "put local.bin tn.bin" \
        "get hello.txt tn-hello.txt" ls bye | in_site C timeout 60 tnftp -n -v "$TENANT_IP" 2>&1)
    grep -q "^226" <<<"$output" || fail "tnftp: no 226 in its session: $(tail -5 <<<"$output")"
    expect_eq "tnftp put" "$(sha "$SCRATCH/local.bin")" "$(sha "$(ftp_root C)/tn.bin")"
    expect_eq "tnftp get" "$(ftp_hello_text C)" "$(cat "$SCRATCH/tn-hello.txt" 2>/dev/null)"
    # inetutils-ftp: active by default, so the tenant's stack connects into site C
    output=$(cd "$SCRATCH" && printf '%s\n' "user $FTP_USER $(ftp_password C)" binary "put local.bin inet.bin" \
        "get tn.bin inet-back.bin" dir bye | in_site C timeout 60 inetutils-ftp -n -v "$TENANT_IP" 2>&1)
    grep -q "^200 PORT" <<<"$output" || fail "inetutils-ftp did not use PORT: $(head -12 <<<"$output")"
    expect_eq "inetutils-ftp put (active)" "$(sha "$SCRATCH/local.bin")" "$(sha "$(ftp_root C)/inet.bin")"
    expect_eq "inetutils-ftp get (active)" "$(sha "$SCRATCH/local.bin")" "$(sha "$SCRATCH/inet-back.bin")"
    rm -f "$(ftp_root C)"/tn.bin "$(ftp_root C)"/inet.bin
}

test_ftp_refusals() {
    require_appliance
    ftp_ready
    local output
    # wrong password: 530 (curl exit 67), after the failed-login delay
    in_site A curl -sS --max-time 20 -u "$FTP_USER:wrong" "$(ftp_url /hello.txt)" >/dev/null 2>&1
    expect_eq "curl with a wrong password exits" 67 "$?"
    output=$(ftp_raw A "USER $FTP_USER" "PASS wrong" QUIT)
    grep -q "^530 " <<<"$output" || fail "wrong password not answered 530: $output"
    output=$(ftp_raw A "USER anonymous" "PASS me@example.org" QUIT)
    grep -q "^530 " <<<"$output" || fail "anonymous login (anonymous=false) not answered 530: $output"
    output=$(ftp_raw A "LIST" "RETR hello.txt" QUIT)
    [[ $(grep -c "^530 " <<<"$output") == 2 ]] || fail "commands before login not answered 530: $output"
    # traversal out of the tenant's folder
    ln -sfn /etc "$(ftp_root A)/escape"
    expect_reply A "CWD .." 550
    expect_reply A "CWD ../../.." 550
    expect_reply A "RETR ../../../../../etc/passwd" 550
    expect_reply A "SIZE /../B/ftp/hello.txt" 550
    expect_reply A "CWD escape" 550
    expect_reply A "SIZE escape/passwd" 550
    expect_reply A "RNFR /hello.txt" 350
    rm -f "$(ftp_root A)/escape"
    in_site A curl -sS --max-time 20 --path-as-is -u "$FTP_USER:$(ftp_password A)" \
        "$(ftp_url /../../../../etc/passwd)" >/dev/null 2>&1 && fail "curl fetched /../../../../etc/passwd"
    # FTP bounce: data connections only to the client itself, never a third address
    expect_reply A "PORT 192,168,1,99,156,64" 500
    expect_reply A "EPRT |1|192.168.1.99|40000|" 500
    expect_reply A "PORT 192,168,1,10,0,25" 500
    expect_reply A "EPRT |2|::1|40000|" 522
    # malformed and unsupported commands: answered, never a crash
    expect_reply A "XYZZYQ" 500
    expect_reply A "TYPE Q" 504
    expect_reply A "MODE B" 504
    expect_reply A "STRU R" 504
    expect_reply A "PORT 1,2,3" 501
    expect_reply A "REST -5" 501
    expect_reply A "RETR" 501
    expect_reply A "FEAT" 211
    expect_reply A "OPTS UTF8 ON" 200
    output=$(ftp_raw A "USER $FTP_USER" "$(head -c 6000 /dev/zero | tr '\0' 'A')" NOOP QUIT)
    grep -q "^500 " <<<"$output" || fail "a 6000-byte line was not answered 500: $(head -4 <<<"$output")"
    grep -q "^200 " <<<"$output" || fail "the session did not go on after a too-long line: $output"
    ftp_serves_own_hello A || fail "tenant A's ftp does not serve after the refusals"
}

test_ftp_limits_lockout_sessions_idle() {
    require_appliance
    ftp_ready
    local output pids=() pid
    on_test_exit "ftp_set C maxLoginFailures; ftp_set C lockoutSeconds; ftp_set C maxSessions; ftp_set C idleTimeoutSeconds"
    ftp_set C maxLoginFailures 3
    ftp_set C lockoutSeconds 5
    ftp_set C maxSessions 2
    ftp_set C idleTimeoutSeconds 2
    sleep 4 # FileInstall polls etc/ every second, then the settings are applied live
    output=$(ftp_raw C "USER $FTP_USER" "PASS bad1" "USER $FTP_USER" "PASS bad2" "USER $FTP_USER" "PASS bad3")
    [[ $(grep -c "^530 " <<<"$output") == 2 ]] || fail "the first two failures were not 530: $output"
    grep -q "^421 " <<<"$output" || fail "the third failure did not lock the address out with 421: $output"
    output=$(ftp_raw C "USER $FTP_USER" "PASS $(ftp_password C)" QUIT)
    grep -q "^421 " <<<"$output" || fail "a locked-out address was greeted without 421: $output"
    ftp_serves_own_hello A || fail "the lockout on tenant C locked the same address out of tenant A"
    sleep 5
    output=$(ftp_raw C "USER $FTP_USER" "PASS $(ftp_password C)" QUIT)
    grep -q "^230 " <<<"$output" || fail "the right password was refused after the lockout ended: $output"
    # idle timeout: 421 and close
    output=$( { sleep 5; } | in_site C timeout 8 nc -w 6 "$TENANT_IP" "$FTP_PORT" | tr -d '\r')
    grep -q "^421 " <<<"$output" || fail "an idle session was not closed with 421: $output"
    # sessions per tenant: two idle ones held open, the third gets 421
    for _ in 1 2; do
        { sleep 1.8; } | in_site C timeout 4 nc -w 3 "$TENANT_IP" "$FTP_PORT" >/dev/null 2>&1 &
        pids+=($!)
    done
    sleep 0.5
    output=$( { sleep 1; } | in_site C timeout 4 nc -w 2 "$TENANT_IP" "$FTP_PORT" | tr -d '\r')
    grep -q "^421 " <<<"$output" || fail "a third session (maxSessions=2) was not refused with 421: $output"
    for pid in "${pids[@]}"; do wait "$pid"; done
}

test_ftp_through_fault_injector() {
    require_appliance
    ftp_ready
    ftp_scratch
    local output big="$SCRATCH/lossy.bin"
    head -c $((16 << 20)) /dev/urandom >"$big"
    output=$(app_client 'net:faults A drop=0.01 seed=3' 2>&1) || fatal "net:faults A drop=0.01 seed=3 failed: $output"
    on_test_exit "app_client 'net:faults A off' >/dev/null"
    check "upload through 1% loss" site_ftp A -T "$big" "$(ftp_url /lossy.bin)"
    expect_eq "upload through 1% loss" "$(sha "$big")" "$(sha "$(ftp_root A)/lossy.bin")"
    check "download through 1% loss (active)" site_ftp A -P - -o "$SCRATCH/back.bin" "$(ftp_url /lossy.bin)"
    expect_eq "download through 1% loss" "$(sha "$big")" "$(sha "$SCRATCH/back.bin")"
    output=$(app_client 'net:faults A off' 2>&1) || fail "net:faults A off failed: $output"
    printf '%s\n' "$output" | sed 's/^/      /'
    rm -f "$(ftp_root A)/lossy.bin"
}

anonymous_reads_hello() { [[ $(in_site C curl -sS --max-time 10 "$(ftp_url /hello.txt)" 2>/dev/null) == "$(ftp_hello_text C)" ]]; }

test_ftp_anonymous_read_only() {
    require_appliance
    ftp_ready
    ftp_scratch
    local output
    on_test_exit "ftp_set C anonymous"
    ftp_set C anonymous true
    wait_until 10 anonymous_reads_hello || fail "anonymous (curl's default login) cannot read /hello.txt on C"
    echo x >"$SCRATCH/x.txt"
    in_site C curl -sS --max-time 10 -T "$SCRATCH/x.txt" "$(ftp_url /x.txt)" >/dev/null 2>&1 &&
        fail "anonymous uploaded /x.txt"
    [[ -e $(ftp_root C)/x.txt ]] && fail "an anonymous upload reached tenant C's folder"
    output=$(ftp_raw C "USER anonymous" "PASS guest@example.org" "DELE hello.txt" "MKD new" QUIT)
    [[ $(grep -c "^550 " <<<"$output") == 2 ]] || fail "anonymous DELE and MKD were not refused with 550: $output"
    in_site A curl -sS --max-time 10 "$(ftp_url /hello.txt)" >/dev/null 2>&1 &&
        fail "anonymous logged in to tenant A, whose anonymous setting is off"
    ftp_set C anonymous
    wait_until 10 eval '! anonymous_reads_hello' || fail "anonymous still reads after the setting was removed"
}

bob_logs_in() { in_site B curl -sS --max-time 10 -u bob:pw-bob "$(ftp_url /hello.txt)" >/dev/null 2>&1; }
bob_refused() { ! bob_logs_in; }

test_ftp_shell_commands() {
    require_appliance
    ftp_ready
    local output cfg
    cfg=$(app_cfg_path "$(ftp_settings_name B)")
    output=$(app_client "ftp:useradd B bob pw-bob" 2>&1) || fail "ftp:useradd B bob failed: $output"
    note "$output"
    grep -q '^user.bob = pbkdf2\$' "$cfg" || fail "no hash for bob in $cfg"
    grep -q "pw-bob" "$cfg" && fail "the password itself is in $cfg"
    grep -q "^loginDelayMillis" "$cfg" || fail "ftp:useradd dropped the other keys of $cfg"
    output=$(app_client "ftp:users B" 2>&1)
    grep -qx bob <<<"$output" || fail "ftp:users B does not list bob: $output"
    wait_until 10 bob_logs_in || fail "bob cannot log in after ftp:useradd"
    output=$(app_client "ftp:userdel B bob" 2>&1) || fail "ftp:userdel B bob failed: $output"
    wait_until 10 bob_refused || fail "bob can still log in after ftp:userdel"
    app_client "ftp:userdel B nosuchuser" >/dev/null 2>&1 && fail "ftp:userdel of an unknown user succeeded"
}

# two upload temporaries of tenant A have more than 8 MiB each
ftp_uploads_under_way() { [[ $(find "$(ftp_root A)" -name '.ftp-upload-*' -size +8M | wc -l) == 2 ]]; }

# Last of the ftp tests: kill -9 in the middle of uploads, then the appliance starts again.
test_ftp_kill9_during_upload() {
    require_appliance
    ftp_ready
    ftp_scratch
    local big="$SCRATCH/huge.bin" previous before pid curls=() p
    previous="$(ftp_root A)/victim.bin"
    on_test_exit "write_tenant A; write_tenant B; write_tenant C"
    head -c $((4 << 20)) /dev/urandom >"$previous"
    before=$(sha "$previous")
    rm -f "$(ftp_root A)/fresh.bin"
    head -c $((512 << 20)) /dev/urandom >"$big"
    # spawn: $! is curl itself (through ip netns exec), so it can be stopped below
    spawn ip netns exec "$(site_ns A)" curl -sS --max-time 60 -u "$FTP_USER:$(ftp_password A)" --limit-rate 20M \
        -T "$big" "$(ftp_url /victim.bin)" >/dev/null 2>&1 &
    curls+=($!)
    spawn ip netns exec "$(site_ns A)" curl -sS --max-time 60 -u "$FTP_USER:$(ftp_password A)" --limit-rate 20M \
        -T "$big" "$(ftp_url /fresh.bin)" >/dev/null 2>&1 &
    curls+=($!)
    on_test_exit "kill ${curls[*]} 2>/dev/null || true"
    wait_until 30 ftp_uploads_under_way || fail "the two uploads did not get 8 MiB into their temporaries"
    pid=$(app_pid)
    kill -KILL "$pid"
    wait_until 15 app_dead || fatal "the appliance (pid $pid) survived kill -9"
    # the clients' connections went silent with the appliance: stop them, do not wait out curl's timeout
    for p in "${curls[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    expect_eq "victim.bin after kill -9 during its upload" "$before" "$(sha "$previous")"
    [[ -e $(ftp_root A)/fresh.bin ]] && fail "fresh.bin exists after kill -9 during its first upload ($(stat -c %s "$(ftp_root A)/fresh.bin") bytes)"
    app_start || fatal "could not start the appliance again"
    wait_until 90 ftp_serves_own_hello A || fatal "tenant A's ftp is not back within 90 s of the restart"
    note "restarted; ftp back after $(fmt_ms "$WAITED_MS")s"
    [[ -z $(find "$(ftp_root A)" -name '.ftp-upload-*') ]] || fail "upload temporaries left after the restart"
    expect_eq "victim.bin after the restart" "$before" "$(sha "$previous")"
    rm -f "$previous"
}
