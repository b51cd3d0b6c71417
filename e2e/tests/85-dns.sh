# shellcheck shell=bash
# The dns server process with real dig from sites whose hosts all have the same address:
# each site's resolver asks 192.168.1.1 and gets its own tenant's zone for the same name.
#
# Every test starts with dns_ready, which (idempotently) writes each tenant's zone
# example.test (www.example.test A 192.168.1.80 for A, .81 for B, .82 for C) and gives
# tenants A, B and C the service `dns`; test_dns_shell_commands, the last, restores the
# scenario's tenant files.

DNS_ZONE=example.test
DNS_BIG_RECORDS=60
declare -A DNS_WWW=([A]=192.168.1.80 [B]=192.168.1.81 [C]=192.168.1.82)

dns_folder() { echo "$APP_HOME/data/tenants/$1/dns"; }
dns_zone_file() { echo "$(dns_folder "$1")/$DNS_ZONE.zone"; }
dns_settings_name() { echo "io.multistack.dns~$1"; }

# dns_zone_text SITE ADDRESS [SERIAL [EXTRA_LINE]]: the tenant's example.test zone.
dns_zone_text() {
    local site=$1 address=$2 serial=${3:-1} i
    cat <<ZONE
; zone of tenant $site
\$ORIGIN $DNS_ZONE.
\$TTL 300
@   IN  SOA ns1 hostmaster (
        $serial ; serial
        3600 900 604800
        60 )    ; negative TTL
    IN  NS  ns1
ns1 IN  A   192.168.1.1
www IN  A   $address
alias IN CNAME www
txt IN  TXT "tenant $site" "second string"
ZONE
    for ((i = 1; i <= DNS_BIG_RECORDS; i++)); do
        printf 'big IN TXT "record %03d of tenant %s, padded to make a large answer"\n' "$i" "$site"
    done
    [[ -n ${4:-} ]] && printf '%s\n' "$4"
    return 0
}

# dns_write_zone SITE ADDRESS [SERIAL [EXTRA_LINE]]: written beside, then renamed (atomic).
dns_write_zone() {
    local site=$1 file
    file=$(dns_zone_file "$site")
    mkdir -p "$(dns_folder "$site")" && dns_zone_text "$@" >"$file.tmp" && mv -f "$file.tmp" "$file"
}

dns_write_tenant() {
    local name=$1 lines
    lines=("vlan=${TENANT_VLAN[$name]}" "address=$TENANT_CIDR" "services=dns")
    [[ $name == A ]] && lines+=("mac=$TENANT_A_MAC")
    app_write_cfg "$(tenant_cfg_name "$name")" "${lines[@]}"
}

# site_dig SITE DIG_ARGS...: dig at the tenant's address from the site, bounded.
site_dig() {
    local site=$1
    shift
    in_site "$site" timeout 10 dig @"$TENANT_IP" +norec +time=1 +tries=2 "$@" 2>&1
}
dig_status() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$1"; }
dig_flags() { sed -n 's/^;; flags: \([^;]*\);.*/\1/p' <<<"$1"; }
dig_count() { sed -n "s/.* $2: \([0-9]*\).*/\1/p" <<<"$1" | head -1; }
dig_short() { site_dig "$1" +short "$2" "${3:-A}"; }
dns_answers() { [[ $(dig_short "$1" "www.$DNS_ZONE") == "$2" ]]; }

# dns_ready: tenants A, B and C serve their own example.test.
dns_ready() {
    local site
    for site in A B C; do
        [[ -s $(dns_zone_file "$site") ]] || dns_write_zone "$site" "${DNS_WWW[$site]}" || fatal "cannot write $(dns_zone_file "$site")"
        dns_write_tenant "$site" || fatal "cannot write tenant $site's file"
    done
    for site in A B C; do
        wait_until 20 dns_answers "$site" "${DNS_WWW[$site]}" ||
            fatal "site $site: www.$DNS_ZONE does not resolve to ${DNS_WWW[$site]} within 20 s: $(dig_short "$site" "www.$DNS_ZONE" | head -3)"
    done
}

# dns_status_of TENANT: the tenant's dns line of flow:table.
dns_status_of() { app_client flow:table 2>&1 | awk -v t="$1" '$1 == t && $2 == "dns"'; }

test_dns_each_site_sees_own_zone() {
    require_appliance
    dns_ready
    local site output
    for site in A B C; do
        output=$(site_dig "$site" "www.$DNS_ZONE" A)
        expect_eq "site $site: status of www.$DNS_ZONE" NOERROR "$(dig_status "$output")"
        [[ " $(dig_flags "$output") " == *" aa "* ]] || fail "site $site: no aa flag: $(dig_flags "$output")"
        expect_eq "site $site: address of www.$DNS_ZONE over UDP" "${DNS_WWW[$site]}" "$(dig_short "$site" "www.$DNS_ZONE")"
        expect_eq "site $site: address over TCP" "${DNS_WWW[$site]}" "$(site_dig "$site" +tcp +short "www.$DNS_ZONE")"
        expect_eq "site $site: CNAME followed inside the zone" "www.$DNS_ZONE.
${DNS_WWW[$site]}" "$(dig_short "$site" "alias.$DNS_ZONE")"
        expect_eq "site $site: TXT with two strings" "\"tenant $site\" \"second string\"" \
            "$(dig_short "$site" "txt.$DNS_ZONE" TXT)"
        expect_eq "site $site: upper-case name" "${DNS_WWW[$site]}" "$(dig_short "$site" "WWW.EXAMPLE.TEST")"
    done
}

test_dns_large_answer_truncated_over_udp() {
    require_appliance
    dns_ready
    local output
    output=$(site_dig A +ignore +bufsize=512 "big.$DNS_ZONE" TXT)
    [[ " $(dig_flags "$output") " == *" tc "* ]] || fail "UDP with EDNS 512: no tc flag: $(dig_flags "$output")"
    note "UDP, EDNS 512: flags '$(dig_flags "$output")', answer records $(dig_count "$output" ANSWER)"
    output=$(site_dig A +ignore +noedns "big.$DNS_ZONE" TXT)
    [[ " $(dig_flags "$output") " == *" tc "* ]] || fail "UDP without EDNS: no tc flag: $(dig_flags "$output")"
    grep -q "OPT PSEUDOSECTION" <<<"$output" && fail "UDP without EDNS: the response carries an OPT record"
    output=$(site_dig A +ignore +bufsize=4096 "big.$DNS_ZONE" TXT)
    [[ " $(dig_flags "$output") " == *" tc "* ]] || fail "UDP with EDNS 4096: answer above our 1232 cap not truncated"
    grep -q "udp: 1232" <<<"$output" || fail "our OPT record does not advertise 1232: $(grep -i 'udp:' <<<"$output")"
    output=$(site_dig A +tcp "big.$DNS_ZONE" TXT)
    [[ " $(dig_flags "$output") " == *" tc "* ]] && fail "TCP answer truncated"
    expect_eq "TXT records over TCP" "$DNS_BIG_RECORDS" "$(dig_count "$output" ANSWER)"
    # dig's own fallback: a truncated UDP answer retried over TCP gives every record
    output=$(site_dig A "big.$DNS_ZONE" TXT)
    expect_eq "TXT records after dig's TCP retry" "$DNS_BIG_RECORDS" "$(dig_count "$output" ANSWER)"
}

test_dns_negative_answers_and_refusal() {
    require_appliance
    dns_ready
    local output authority
    output=$(site_dig B "nothing.$DNS_ZONE" A)
    expect_eq "status of a missing name" NXDOMAIN "$(dig_status "$output")"
    [[ " $(dig_flags "$output") " == *" aa "* ]] || fail "NXDOMAIN without aa: $(dig_flags "$output")"
    authority=$(sed -n '/;; AUTHORITY SECTION:/,/^$/p' <<<"$output")
    grep -qE "^$DNS_ZONE\.[[:space:]]+60[[:space:]]+IN[[:space:]]+SOA" <<<"$authority" ||
        fail "NXDOMAIN: no SOA with TTL 60 in AUTHORITY: $(tr '\n' '|' <<<"$output")"
    output=$(site_dig B "www.$DNS_ZONE" AAAA)
    expect_eq "status of NODATA" NOERROR "$(dig_status "$output")"
    expect_eq "NODATA answer records" 0 "$(dig_count "$output" ANSWER)"
    expect_eq "NODATA authority records" 1 "$(dig_count "$output" AUTHORITY)"
    output=$(site_dig B www.elsewhere.test A)
    expect_eq "status outside the tenant's zones" REFUSED "$(dig_status "$output")"
    output=$(site_dig B +tcp www.elsewhere.test A)
    expect_eq "status outside the zones over TCP" REFUSED "$(dig_status "$output")"
    output=$(site_dig B +edns=1 +noednsnegotiation "www.$DNS_ZONE" A)
    expect_eq "status for EDNS version 1" BADVERS "$(dig_status "$output")"
}

test_dns_zone_edit_served_live() {
    require_appliance
    dns_ready
    on_test_exit "dns_write_zone A ${DNS_WWW[A]} 4"
    local since line
    since=$(now_ms)
    dns_write_zone A 192.168.1.90 2
    if wait_until 3 dns_answers A 192.168.1.90; then
        note "site A: edited zone served $(fmt_ms $(($(now_ms) - since)))s after the edit"
    else
        fail "site A: edited address not served within 3 s: $(dig_short A "www.$DNS_ZONE")"
    fi
    expect_eq "site B unaffected by A's edit" "${DNS_WWW[B]}" "$(dig_short B "www.$DNS_ZONE")"
    # A broken edit: logged with file and line, the previous zone stays in service.
    local broken="oops IN A 192.168.1.999"
    dns_write_zone A 192.168.1.91 3 "$broken"
    line=$(dns_zone_text A 192.168.1.91 3 "$broken" | grep -nF "$broken" | cut -d: -f1)
    wait_until 5 app_log_find "$DNS_ZONE.zone:$line:" >/dev/null ||
        fail "no log line naming $DNS_ZONE.zone:$line for the broken edit: $(app_log_lines | grep -F "$DNS_ZONE.zone" | tail -2)"
    note "log: $(app_log_find "$DNS_ZONE.zone:$line:" | tail -1)"
    sleep 1
    expect_eq "site A after a broken edit: previous zone still served" 192.168.1.90 "$(dig_short A "www.$DNS_ZONE")"
    expect_eq "site B after A's broken edit" "${DNS_WWW[B]}" "$(dig_short B "www.$DNS_ZONE")"
    dns_write_zone A "${DNS_WWW[A]}" 4
    wait_until 3 dns_answers A "${DNS_WWW[A]}" || fail "site A: repaired zone not served within 3 s"
}

# Random bytes (as `head -c 40 /dev/urandom | nc -u`), short headers and responses.
DNS_GARBAGE_PY='
import os, random, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    kind = i % 4
    if kind == 0:
        data = os.urandom(random.randint(0, 60))
    elif kind == 1:
        data = os.urandom(random.randint(1, 11))
    elif kind == 2:   # a response (QR set) with a question: must never be answered
        data = bytes([0, 1, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3]) + b"www" + bytes([0, 0, 1, 0, 1])
    else:             # a header promising 65535 questions
        data = bytes([0, 2, 1, 0, 255, 255, 0, 0, 0, 0, 0, 0]) + os.urandom(20)
    s.sendto(data, (sys.argv[1], 53))
'

test_dns_malformed_packets_survived() {
    require_appliance
    dns_ready
    local before after i
    before=$(dns_status_of A | grep -o '[0-9]* malformed' | awk '{print $1}')
    for ((i = 0; i < 5; i++)); do
        head -c 40 /dev/urandom | in_site A timeout 3 nc -u -w1 "$TENANT_IP" 53 >/dev/null 2>&1 &
    done
    wait
    in_site A timeout 10 /usr/bin/python3 -c "$DNS_GARBAGE_PY" "$TENANT_IP" 400 || fail "could not send the garbage"
    expect_eq "site A answered after malformed packets" "${DNS_WWW[A]}" "$(dig_short A "www.$DNS_ZONE")"
    expect_eq "site A over TCP after malformed packets" "${DNS_WWW[A]}" "$(site_dig A +tcp +short "www.$DNS_ZONE")"
    after=$(dns_status_of A | grep -o '[0-9]* malformed' | awk '{print $1}')
    note "tenant A: malformed ${before:-?} before, ${after:-?} after; $(dns_status_of A | tr -s ' ')"
    ((${after:-0} > ${before:-0} + 100)) || fail "tenant A counted too few malformed messages (${before:-?} -> ${after:-?})"
    check "appliance still running" app_alive
}

# A burst of identical queries from one client; prints how many were answered.
DNS_BURST_PY='
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
q = b"".join(bytes([len(l)]) + l.encode() for l in "www.example.test".split(".")) + b"\0"
for i in range(int(sys.argv[2])):
    s.sendto(struct.pack(">HHHHHH", i, 0, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1), (sys.argv[1], 53))
answered = 0
try:
    while True:
        s.recvfrom(2048)
        answered += 1
except socket.timeout:
    pass
print(answered)
'

test_dns_rate_limit_per_tenant() {
    require_appliance
    dns_ready
    on_test_exit "app_remove_cfg '$(dns_settings_name C)'"
    app_write_cfg "$(dns_settings_name C)" rateLimit=20 || fatal "cannot write C's dns settings"
    sleep 2 # the component restarts with the new setting
    wait_until 10 dns_answers C "${DNS_WWW[C]}" || fatal "site C: no answers after the settings change"
    sleep 1.2 # a full bucket
    local answered_c answered_a
    answered_c=$(in_site C timeout 10 /usr/bin/python3 -c "$DNS_BURST_PY" "$TENANT_IP" 200)
    answered_a=$(in_site A timeout 10 /usr/bin/python3 -c "$DNS_BURST_PY" "$TENANT_IP" 50)
    note "burst of 200 from site C (rateLimit=20): $answered_c answered; 50 from site A (default 100): $answered_a"
    ((answered_c >= 15 && answered_c <= 40)) || fail "site C: $answered_c of 200 answered, expected about 20"
    expect_eq "site A (its own tenant, default limit): answered" 50 "$answered_a"
    grep -q " [1-9][0-9]* rate-limited" <<<"$(dns_status_of C)" || fail "tenant C status shows no rate-limited drops: $(dns_status_of C)"
}

test_dns_shell_commands() {
    require_appliance
    dns_ready
    on_test_exit "write_tenant A; write_tenant B; write_tenant C"
    local output
    output=$(app_client "dns:zones B" 2>&1)
    printf '%s\n' "$output" | sed 's/^/      /'
    grep -q "^$DNS_ZONE\." <<<"$output" || fail "dns:zones B does not list $DNS_ZONE"
    output=$(app_client "dns:query B www.$DNS_ZONE" 2>&1)
    printf '%s\n' "$output" | sed 's/^/      /'
    grep -q "status: NOERROR, flags: aa" <<<"$output" || fail "dns:query B: no NOERROR/aa"
    grep -qF "${DNS_WWW[B]}" <<<"$output" || fail "dns:query B does not show ${DNS_WWW[B]}"
    output=$(app_client "dns:query B nothing.$DNS_ZONE" 2>&1)
    grep -q "status: NXDOMAIN" <<<"$output" || fail "dns:query B nothing: $output"
}
