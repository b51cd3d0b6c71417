# shellcheck shell=bash
# The http server process with real clients (curl, wget, wrk, nc) from sites whose hosts all
# have the same address: each site reaches its own tenant's web server.
#
# Every test starts with http_ready, which (idempotently) gives tenants A, B and C the
# service `http`, their own index.html and settings files; test_http_service_removal, the
# last, takes the service away again and restores the scenario's files.

HTTP_PORT=80
HTTP_BIG=big.bin
HTTP_BIG_MIB=64

http_www() { echo "$APP_HOME/data/tenants/$1/www"; }
http_settings_name() { echo "io.multistack.http~$1"; }
http_index_text() { echo "<html><body>tenant $1 says hello</body></html>"; }

# http_write_tenant NAME [SERVICES]: the scenario's tenant file with a services key.
http_write_tenant() {
    local name=$1 services=${2-http} lines
    lines=("vlan=${TENANT_VLAN[$name]}" "address=$TENANT_CIDR")
    [[ $name == A ]] && lines+=("mac=$TENANT_A_MAC")
    [[ -n $services ]] && lines+=("services=$services")
    app_write_cfg "$(tenant_cfg_name "$name")" "${lines[@]}"
}

# http_write_settings NAME KEY=VALUE...: etc/io.multistack.http~NAME.cfg
http_write_settings() {
    local name=$1
    shift
    app_write_cfg "$(http_settings_name "$name")" "$@"
}

# site_curl SITE CURL_ARGS...: curl in the site, bounded.
site_curl() {
    local site=$1
    shift
    in_site "$site" curl -sS --max-time 30 "$@"
}

# http_code SITE PATH [CURL_ARGS...]: the status code of a GET.
http_code() {
    local site=$1 path=$2
    shift 2
    site_curl "$site" -o /dev/null -w '%{http_code}' "$@" "http://$TENANT_IP:$HTTP_PORT$path" 2>/dev/null
}

# http_code_is SITE PATH CODE [CURL_ARGS...]: for wait_until.
http_code_is() {
    local site=$1 path=$2 code=$3
    shift 3
    [[ $(http_code "$site" "$path" "$@") == "$code" ]]
}

# http_body_is SITE URL TEXT: for wait_until.
http_body_is() { [[ $(site_curl "$1" "$2" 2>/dev/null) == "$3" ]]; }

http_serves_own_index() {
    [[ $(site_curl "$1" "http://$TENANT_IP:$HTTP_PORT/" 2>/dev/null) == "$(http_index_text "$1")" ]]
}

http_big_file() { echo "$(http_www A)/$HTTP_BIG"; }

# http_ready: tenants A, B and C serve their own site; A has a large random file and a
# short header timeout (the slow-loris test), C a small connection limit.
http_ready() {
    local site
    for site in A B C; do
        mkdir -p "$(http_www "$site")" || fatal "cannot create $(http_www "$site")"
        http_index_text "$site" >"$(http_www "$site")/index.html"
    done
    if [[ ! -s $(http_big_file) ]]; then
        head -c $((HTTP_BIG_MIB << 20)) /dev/urandom >"$(http_big_file)" || fatal "cannot write $(http_big_file)"
    fi
    http_write_settings A headerTimeoutSeconds=2
    http_write_settings B
    http_write_settings C maxConnections=3
    for site in A B C; do http_write_tenant "$site"; done
    for site in A B C; do
        wait_until 20 http_serves_own_index "$site" ||
            fatal "site $site: http://$TENANT_IP/ does not serve tenant $site's index.html within 20 s: $(site_curl "$site" "http://$TENANT_IP/" 2>&1 | head -3)"
    done
}

test_http_each_site_sees_own_tenant() {
    require_appliance
    http_ready
    local site body table
    for site in A B C; do
        body=$(site_curl "$site" "http://$TENANT_IP/")
        expect_eq "site $site: body of /" "$(http_index_text "$site")" "$body"
    done
    table=$(app_client flow:table 2>&1)
    printf '%s\n' "$table" | sed 's/^/      /'
    for site in A B C; do
        grep -E "^ *$site\b.*http" <<<"$table" | grep -q "listening on" ||
            fail "flow:table does not show tenant $site's http as listening"
    done
}

test_http_large_file_byte_exact() {
    require_appliance
    http_ready
    local expected got file="$APP_HOME/e2e/http-download" started took
    expected=$(sha256sum <"$(http_big_file)" | cut -d' ' -f1)
    started=$(now_ms)
    check "curl downloads /$HTTP_BIG" site_curl A -o "$file" "http://$TENANT_IP/$HTTP_BIG"
    took=$(($(now_ms) - started))
    got=$(sha256sum <"$file" | cut -d' ' -f1)
    expect_eq "sha256 of /$HTTP_BIG via curl" "$expected" "$got"
    note "curl: $HTTP_BIG_MIB MiB in $(fmt_ms "$took")s"
    rm -f "$file"
    started=$(now_ms)
    check "wget downloads /$HTTP_BIG" in_site A wget -q -T 30 -t 1 -O "$file" "http://$TENANT_IP/$HTTP_BIG"
    took=$(($(now_ms) - started))
    got=$(sha256sum <"$file" | cut -d' ' -f1)
    expect_eq "sha256 of /$HTTP_BIG via wget" "$expected" "$got"
    note "wget: $HTTP_BIG_MIB MiB in $(fmt_ms "$took")s"
    rm -f "$file"
    expect_eq "site B: /$HTTP_BIG (only tenant A has it)" 404 "$(http_code B "/$HTTP_BIG")"
}

test_http_head_range_conditional() {
    require_appliance
    http_ready
    local headers etag part expected length
    length=$(stat -c %s "$(http_www A)/index.html")
    headers=$(site_curl A -I "http://$TENANT_IP/index.html" | tr -d '\r')
    grep -q '^HTTP/1.1 200' <<<"$headers" || fail "HEAD /index.html: $(head -1 <<<"$headers")"
    grep -qi "^content-length: $length\$" <<<"$headers" || fail "HEAD /index.html: no Content-Length $length"
    grep -qi '^content-type: text/html; charset=utf-8$' <<<"$headers" || fail "HEAD /index.html: wrong Content-Type"
    etag=$(sed -n 's/^[Ee][Tt]ag: //p' <<<"$headers")
    [[ -n $etag ]] || fail "HEAD /index.html: no ETag"

    expect_eq "GET with If-None-Match: $etag" 304 "$(http_code A /index.html -H "If-None-Match: $etag")"
    expect_eq "GET with If-None-Match: \"other\"" 200 "$(http_code A /index.html -H 'If-None-Match: "other"')"
    expect_eq "GET with If-Modified-Since in the future" 304 \
        "$(http_code A /index.html -H "If-Modified-Since: $(date -u -d '+1 day' '+%a, %d %b %Y %H:%M:%S GMT')")"

    expect_eq "GET with Range: bytes=1000-1999" 206 "$(http_code A "/$HTTP_BIG" -r 1000-1999)"
    part=$(site_curl A -r 1000-1999 "http://$TENANT_IP/$HTTP_BIG" | sha256sum | cut -d' ' -f1)
    expected=$(tail -c +1001 "$(http_big_file)" | head -c 1000 | sha256sum | cut -d' ' -f1)
    expect_eq "bytes 1000-1999 of /$HTTP_BIG" "$expected" "$part"
    part=$(site_curl A -r -100 "http://$TENANT_IP/$HTTP_BIG" | sha256sum | cut -d' ' -f1)
    expected=$(tail -c 100 "$(http_big_file)" | sha256sum | cut -d' ' -f1)
    expect_eq "last 100 bytes of /$HTTP_BIG" "$expected" "$part"
    expect_eq "GET with Range beyond the end" 416 "$(http_code A /index.html -r 100000-)"
    headers=$(site_curl A -D - -o /dev/null -r 100000- "http://$TENANT_IP/index.html" | tr -d '\r')
    grep -qi "^content-range: bytes \*/$length\$" <<<"$headers" || fail "416 without Content-Range: bytes */$length"

    expect_eq "GET /nope.html" 404 "$(http_code A /nope.html)"
    expect_eq "POST /" 405 "$(http_code A / -X POST -d x=1)"
}

test_http_traversal_refused() {
    require_appliance
    http_ready
    local target code body
    ln -sfn /etc/passwd "$(http_www A)/passwd-link"
    on_test_exit "rm -f '$(http_www A)/passwd-link'"
    for target in '/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' \
        '/%2E%2E/%2E%2E/%2E%2E/etc/passwd' '/..%5c..%5cetc%5cpasswd' '/passwd-link' '/%00/etc/passwd' \
        '//etc/passwd' '/./../etc/passwd'; do
        body=$(site_curl A --path-as-is -w '\n%{http_code}' "http://$TENANT_IP$target" 2>/dev/null)
        code=${body##*$'\n'}
        note "GET $target -> $code"
        [[ $code == 400 || $code == 403 || $code == 404 ]] || fail "GET $target: status $code, expected 400, 403 or 404"
        grep -q 'root:' <<<"$body" && fail "GET $target: served /etc/passwd"
    done
    return 0
}

# http_raw SITE BYTES: sends BYTES on one connection with nc and prints what comes back
# until the server closes it (at most 10 s).
http_raw() {
    printf '%b' "$2" | in_site "$1" timeout 10 nc -w 10 "$TENANT_IP" "$HTTP_PORT" 2>/dev/null
}

test_http_malformed_requests() {
    require_appliance
    http_ready
    local reply long
    reply=$(http_raw A 'HELLO WORLD\r\n\r\n' | head -1 | tr -d '\r')
    expect_eq "status line for 'HELLO WORLD'" "HTTP/1.1 400 Bad Request" "$reply"
    reply=$(http_raw A 'GET / HTTP/1.1\r\n\r\n' | head -1 | tr -d '\r')
    expect_eq "status line for HTTP/1.1 without Host" "HTTP/1.1 400 Bad Request" "$reply"
    reply=$(http_raw A 'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' | head -1 | tr -d '\r')
    expect_eq "status line for a header without colon" "HTTP/1.1 400 Bad Request" "$reply"
    long=$(printf 'a%.0s' {1..5000})
    reply=$(http_raw A "GET /$long HTTP/1.1\r\nHost: x\r\n\r\n" | head -1 | tr -d '\r')
    expect_eq "status line for a 5000-byte request line" "HTTP/1.1 414 Request-URI Too Long" "$reply"
    reply=$(http_raw A "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $long$long\r\n\r\n" | head -1 | tr -d '\r')
    expect_eq "status line for a 10000-byte header" "HTTP/1.1 431 Request Header Fields Too Large" "$reply"
    reply=$(http_raw A 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n' | head -1 | tr -d '\r')
    expect_eq "status line for a 5 MB body" "HTTP/1.1 413 Request Entity Too Large" "$reply"
    # the server is still fine afterwards
    check "site A still served after the malformed requests" http_serves_own_index A
}

test_http_keepalive_reuse() {
    require_appliance
    http_ready
    local output
    output=$(site_curl A -v "http://$TENANT_IP/index.html" "http://$TENANT_IP/index.html" -o /dev/null -o /dev/null 2>&1)
    grep -qi 're-using existing connection' <<<"$output" ||
        fail "curl did not reuse the connection: $(grep '^\*' <<<"$output" | tr '\n' ' ')"
    expect_eq "connections curl opened for two URLs" 1 "$(grep -c '^\* Connected to' <<<"$output")"
    # pipelining: two requests in one write, two responses in order
    output=$(http_raw A 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
        tr -d '\r' | grep '^HTTP/1.1' | tr '\n' ',')
    expect_eq "pipelined responses" "HTTP/1.1 200 OK,HTTP/1.1 404 Not Found," "$output"
}

test_http_wrk_no_errors() {
    require_appliance
    http_ready
    local output requests
    output=$(in_site A timeout 30 wrk -t2 -c20 -d5s "http://$TENANT_IP/index.html" 2>&1)
    printf '%s\n' "$output" | sed 's/^/      /'
    requests=$(sed -n 's/^ *\([0-9]\+\) requests in.*/\1/p' <<<"$output")
    [[ -n $requests && $requests -gt 1000 ]] || fail "wrk made only '${requests:-0}' requests"
    grep -q 'Socket errors' <<<"$output" && fail "wrk saw socket errors"
    grep -q 'Non-2xx or 3xx' <<<"$output" && fail "wrk got non-2xx/3xx responses"
    return 0
}

test_http_slow_loris_closed() {
    require_appliance
    http_ready
    local log="$APP_HOME/e2e/http-slowloris" started pid took reply
    # a partial header, then nothing: tenant A's header timeout is 2 s
    started=$(now_ms)
    in_site A timeout 15 bash -c "exec 3<>/dev/tcp/$TENANT_IP/$HTTP_PORT || exit 1
        printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&3
        cat <&3" >"$log" 2>&1 &
    pid=$!
    sleep 0.5
    # meanwhile other requests are served, in the same tenant and in another
    check "site A served while a slow-loris connection waits" http_serves_own_index A
    check "site B served while a slow-loris connection waits" http_serves_own_index B
    wait "$pid"
    took=$(($(now_ms) - started))
    reply=$(head -1 "$log" | tr -d '\r')
    expect_eq "reply to the slow-loris connection" "HTTP/1.1 408 Request Timeout" "$reply"
    ((took >= 1500 && took <= 5000)) || fail "slow-loris connection closed after $(fmt_ms "$took")s, expected about 2 s"
    note "slow-loris connection closed after $(fmt_ms "$took")s"
}

test_http_connection_limit_and_live_settings() {
    require_appliance
    http_ready
    local pids=() held
    # tenant C allows 3 connections: hold them open for 3 s, a 4th gets 503
    for held in 1 2 3; do
        in_site C timeout 5 bash -c "exec 3<>/dev/tcp/$TENANT_IP/$HTTP_PORT && sleep 3 # connection $held" &
        pids+=($!)
    done
    sleep 1
    expect_eq "site C: a 4th connection (maxConnections=3)" 503 "$(http_code C /)"
    expect_eq "site A meanwhile" 200 "$(http_code A /)"
    wait "${pids[@]}"
    wait_until 5 http_code_is C / 200 || fail "site C not served again after the held connections ended"
    # a port change applies live
    on_test_exit "http_write_settings C maxConnections=3"
    http_write_settings C maxConnections=3 port=8080
    wait_until 10 http_body_is C "http://$TENANT_IP:8080/" "$(http_index_text C)" ||
        fail "site C: not served on port 8080 within 10 s of the settings edit"
    [[ $(http_code C /) == 000 ]] || fail "site C: port 80 still answers after the move to 8080"
    app_client flow:table 2>&1 | grep -E "^ *C\b.*http" | grep -q ':8080' || fail "flow:table does not show port 8080 for C"
    http_write_settings C maxConnections=3
    wait_until 10 http_serves_own_index C || fail "site C: not served on port 80 again"
}

test_http_access_log_per_tenant() {
    require_appliance
    http_ready
    local log_a="$APP_HOME/log/tenants/A/http-access.log" log_b="$APP_HOME/log/tenants/B/http-access.log"
    site_curl A -o /dev/null -A e2e-agent-A "http://$TENANT_IP/index.html?from=A"
    site_curl B -o /dev/null -A e2e-agent-B "http://$TENANT_IP/index.html?from=B"
    wait_until 5 grep -q 'from=A' "$log_a" || fail "no line for the request in $log_a"
    wait_until 5 grep -q 'from=B' "$log_b" || fail "no line for the request in $log_b"
    grep -q 'from=B' "$log_a" && fail "tenant B's request in tenant A's log"
    grep -E '^192\.168\.1\.10 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [+-][0-9]{4}\] "GET /index.html\?from=A HTTP/1.1" 200 [0-9]+ "-" "e2e-agent-A"$' \
        "$log_a" >/dev/null || fail "line not in combined format: $(grep 'from=A' "$log_a" | tail -1)"
    return 0
}

# How often the log says tenant NAME's http stopped; for wait_until: more often than N.
http_stopped_count() { app_log_lines | grep -c "Tenant $1: http stopped"; }
http_stopped_more_than() { (($(http_stopped_count "$1") > $2)); }

test_http_tenant_removal() {
    require_appliance
    http_ready
    local before
    before=$(http_stopped_count A)
    on_test_exit "http_write_tenant A"
    app_remove_cfg "$(tenant_cfg_name A)"
    wait_until 10 tenant_unlisted A || fail "tenant A still listed 10 s after its file was removed"
    wait_until 10 http_stopped_more_than A "$before" || fail "tenant A's http did not log its stop"
    check "site B still served while tenant A is gone" http_serves_own_index B
    http_write_tenant A
    wait_until 20 http_serves_own_index A || fail "site A not served again after its tenant file came back"
}

test_http_service_removal() {
    require_appliance
    http_ready
    on_test_exit "write_tenant A; write_tenant B; write_tenant C; app_remove_cfg '$(http_settings_name A)'; app_remove_cfg '$(http_settings_name B)'; app_remove_cfg '$(http_settings_name C)'"
    http_write_tenant A ""
    wait_until 10 http_code_is A / 000 || fail "site A still served 10 s after http left its services"
    check "site B still served" http_serves_own_index B
    check "site A still answers ping" site_answers A "$TENANT_IP"
    http_write_tenant A
    wait_until 10 http_serves_own_index A || fail "site A not served again after http came back"
}
