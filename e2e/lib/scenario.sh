# shellcheck shell=bash
# The e2e scenario: the patent's colliding customers, plus sites the appliance must refuse.
#
#   site  underlay      VNI  tunnel row -> VLAN  tenant (all 192.168.1.1/24)
#   A     203.0.113.11  100  yes        -> 600   A, explicit MAC 02:00:5e:e2:e0:0a
#   B     203.0.113.12  100  yes        -> 601   B, default MAC (from the VLAN)
#   C     203.0.113.13  102  yes        -> 602   C, default MAC
#   D     203.0.113.14  103  yes        -> 603   none until `tenant:add D 603 ...`
#   X     203.0.113.15  199  no row              (a VNI nobody configured)
#   Y     203.0.113.16  100  no row              (a known VNI from an unknown remote)
#
# Every site's host is 192.168.1.10/24: only the tunnel tells the sites apart.

TENANT_IP=192.168.1.1
TENANT_CIDR=$TENANT_IP/24
readonly TENANT_A_MAC=02:00:5e:e2:e0:0a

scenario_sites() {
    net_site_up A 203.0.113.11 100 &&
        net_site_up B 203.0.113.12 100 &&
        net_site_up C 203.0.113.13 102 &&
        net_site_up D 203.0.113.14 103 &&
        net_site_up X 203.0.113.15 199 &&
        net_site_up Y 203.0.113.16 100
}

# default_mac VLAN: the MAC a tenant has when its file names none: 02:6d:73:00 + VLAN.
default_mac() { printf '02:6d:73:00:%02x:%02x' $(($1 >> 8)) $(($1 & 255)); }

# The MAC each tenant is expected to answer with.
declare -A TENANT_MAC=([A]=$TENANT_A_MAC [B]=$(default_mac 601) [C]=$(default_mac 602) [D]=$(default_mac 603))
declare -A TENANT_VLAN=([A]=600 [B]=601 [C]=602 [D]=603)

tenant_listed() { app_client tenant:list 2>/dev/null | awk 'NR > 1 {print $1}' | grep -qx "$1"; }
tenant_unlisted() { ! tenant_listed "$1"; }

tenant_cfg_name() { echo "io.multistack.tenant~$1"; }
tunnel_cfg_name() { echo "io.multistack.access.tunnel~$1"; }

# write_tenant NAME [ADDRESS_CIDR]: the tenant's file as the scenario defines it.
write_tenant() {
    local name=$1 cidr=${2:-$TENANT_CIDR} lines
    lines=("vlan=${TENANT_VLAN[$name]}" "address=$cidr")
    [[ $name == A ]] && lines+=("mac=$TENANT_A_MAC")
    app_write_cfg "$(tenant_cfg_name "$name")" "${lines[@]}"
}

write_tunnel() {
    local site=$1 vlan=$2
    app_write_cfg "$(tunnel_cfg_name "$site")" "remote=${SITE_IP[$site]}" "vni=${SITE_VNI[$site]}" "vlan=$vlan"
}

scenario_home() {
    app_write_cfg io.multistack.access.vxlan "listen=$HUB_IP:$VXLAN_PORT" &&
        write_tunnel A 600 && write_tunnel B 601 && write_tunnel C 602 && write_tunnel D 603 &&
        write_tenant A && write_tenant B && write_tenant C
}

# watch_site SITE: a continuous ping from SITE to the tenant, stopped when the test ends.
# Sets WATCH_LOG (its output) and WATCH_PID.
watch_site() {
    local pid
    WATCH_LOG="$APP_HOME/e2e/$TEST_NAME-cping-$1-$(now_ms).log"
    pid=$(cping_start "$1" "$TENANT_IP" "$WATCH_LOG")
    on_test_exit "cping_stop $pid"
    WATCH_PID=$pid
}
