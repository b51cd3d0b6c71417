# shellcheck shell=bash
# PUT uploads into a tenant's www folder (the http setting upload=true), with curl -T from a
# site: off by default (403), byte-exact when on, per tenant, refusals, and an aborted upload
# leaves nothing behind; an upload whose datagrams the hub's port merged (GRO) arrives intact.
# Uses the helpers of 80-http.sh.

HTTP_PUT_MIB=24

# http_put SITE PATH FILE [CURL_ARGS...]: the status code of a PUT of FILE.
http_put() {
    local site=$1 path=$2 file=$3
    shift 3
    site_curl "$site" -o /dev/null -w '%{http_code}' "$@" -T "$file" "http://$TENANT_IP:$HTTP_PORT$path" 2>/dev/null
}

http_put_is() {
    local code=$1
    shift
    [[ $(http_put "$@") == "$code" ]]
}

# http_upload_leftovers: temporaries of uploads still in tenant A's www folder.
http_upload_leftovers() { find "$(http_www A)" -name '.http-upload-*' 2>/dev/null; }
http_no_upload_leftovers() { [[ -z $(http_upload_leftovers) ]]; }

# udp_in_datagrams NS: UDP datagrams the namespace's sockets took (one per merged run).
udp_in_datagrams() { ip netns exec "$1" awk '/^Udp: [0-9]/ {print $2}' /proc/net/snmp; }

# site_port_merges SITE on|off: GRO on the hub's port from SITE, and TSO/GSO off on the site's
# side (without which veth skips its NAPI path, where GRO runs); off restores veth's defaults.
site_port_merges() {
    local ns tso
    ns=$(site_ns "$1")
    tso=$([[ $2 == on ]] && echo off || echo on)
    ip netns exec "$HUB_NS" ethtool -K "s-$1" gro "$2" >/dev/null &&
        ip netns exec "$ns" ethtool -K eth0 tso "$tso" gso "$tso" >/dev/null
}

# http_put_merged FILE SHA256: the same upload again while the hub's port from site A merges
# its bursts as a NIC's GRO does (veth's NAPI path: GRO on the port, no TSO on the site's
# side), so the appliance reads runs of datagrams (UDP GRO, its default) and cuts them: the
# file must arrive intact, in fewer datagrams than the site sent tunnel packets.
http_put_merged() {
    local src=$1 expected=$2 ns sent_before received_before sent received
    ns=$(site_ns A)
    on_test_exit "site_port_merges A off"
    site_port_merges A on || { fail "cannot turn GRO on at the hub's port from site A"; return; }
    sent_before=$(ip netns exec "$ns" cat /sys/class/net/vxlan0/statistics/tx_packets)
    received_before=$(udp_in_datagrams "$HUB_NS")
    expect_eq "PUT of $HTTP_PUT_MIB MiB through a merging port" 201 "$(http_put A /put/merged.bin "$src")"
    sent=$(($(ip netns exec "$ns" cat /sys/class/net/vxlan0/statistics/tx_packets) - sent_before))
    received=$(($(udp_in_datagrams "$HUB_NS") - received_before))
    site_port_merges A off
    note "merging port: site A sent $sent tunnel packets, the hub's sockets took $received datagrams"
    ((received * 2 < sent)) || fail "the port merged nothing: $received datagrams for $sent packets"
    expect_eq "sha256 of the upload through a merging port" "$expected" \
        "$(sha256sum <"$(http_www A)/put/merged.bin" | cut -d' ' -f1)"
}

test_http_put_upload() {
    require_appliance
    http_ready
    on_test_exit "write_tenant A; write_tenant B; write_tenant C; app_remove_cfg '$(http_settings_name A)'; app_remove_cfg '$(http_settings_name B)'; app_remove_cfg '$(http_settings_name C)'; rm -rf '$(http_www A)/put' '$(http_www A)/probe.txt'; rm -f '$APP_HOME/e2e/put-src' '$APP_HOME/e2e/put-got'"
    local src="$APP_HOME/e2e/put-src" got="$APP_HOME/e2e/put-got" small="$APP_HOME/e2e/put-small"
    mkdir -p "$APP_HOME/e2e"
    echo "probe" >"$small"
    head -c $((HTTP_PUT_MIB << 20)) /dev/urandom >"$src" || fatal "cannot write $src"

    # off by default
    expect_eq "PUT while upload is off" 403 "$(http_put A /probe.txt "$small")"
    [[ -e $(http_www A)/probe.txt ]] && fail "a refused PUT created probe.txt"

    # on for tenant A only (A keeps its short header timeout: the body may take longer than it)
    http_write_settings A headerTimeoutSeconds=2 upload=true uploadMaxBytes=$(((HTTP_PUT_MIB + 1) << 20))
    wait_until 10 http_put_is 201 A /probe.txt "$small" || fail "PUT not accepted 10 s after upload=true"
    expect_eq "site B: PUT (upload is off for tenant B)" 403 "$(http_put B /probe.txt "$small")"

    mkdir -p "$(http_www A)/put"
    local expected started took code
    expected=$(sha256sum <"$src" | cut -d' ' -f1)
    started=$(now_ms)
    code=$(http_put A /put/random.bin "$src")
    took=$(($(now_ms) - started))
    expect_eq "PUT of $HTTP_PUT_MIB MiB (new file)" 201 "$code"
    note "curl -T: $HTTP_PUT_MIB MiB in $(fmt_ms "$took")s"
    check "GET of the uploaded file" site_curl A -o "$got" "http://$TENANT_IP/put/random.bin"
    expect_eq "sha256 of the uploaded file, read back with GET" "$expected" "$(sha256sum <"$got" | cut -d' ' -f1)"
    expect_eq "sha256 of the file in the tenant's www folder" "$expected" \
        "$(sha256sum <"$(http_www A)/put/random.bin" | cut -d' ' -f1)"
    http_put_merged "$src" "$expected"
    expect_eq "PUT over the existing file" 204 "$(http_put A /put/random.bin "$small")"
    expect_eq "the replaced file's contents" probe "$(site_curl A "http://$TENANT_IP/put/random.bin")"

    # refusals
    expect_eq "PUT into a missing folder" 409 "$(http_put A /nowhere/x.bin "$small")"
    expect_eq "PUT above uploadMaxBytes" 413 "$(http_put A /put/big.bin "$src" -H 'Content-Length: 999999999')"
    local target
    for target in '/../../tmp/e2e-put-escape' '/%2e%2e/e2e-put-escape' '/put/..%2f..%2fe2e-put-escape'; do
        code=$(http_put A "$target" "$small" --path-as-is)
        note "PUT $target -> $code"
        expect_eq "PUT $target" 400 "$code"
    done
    [[ -e /tmp/e2e-put-escape || -e $APP_HOME/data/tenants/A/e2e-put-escape ]] && fail "a PUT escaped the www folder"

    # an upload the client abandons halfway leaves neither the file nor a temporary
    site_curl A -o /dev/null --limit-rate 1M --max-time 2 -T "$src" "http://$TENANT_IP/put/aborted.bin" >/dev/null 2>&1
    wait_until 10 http_no_upload_leftovers || fail "temporaries left 10 s after an aborted upload: $(http_upload_leftovers)"
    [[ -e $(http_www A)/put/aborted.bin ]] && fail "an aborted upload left put/aborted.bin"
    check "no temporaries left by the completed uploads" http_no_upload_leftovers
    grep -q '"PUT /put/random.bin HTTP/1.1" 201' "$APP_HOME/log/tenants/A/http-access.log" ||
        fail "the access log has no line for the PUT"
    return 0
}
