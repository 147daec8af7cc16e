#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The mdtun tunnel type in ovs-vswitchd with the kernel datapath: the stock
# openvswitch.ko plus vport-mdtun.ko (OVS_VPORT_TYPE_MDTUN) and mdtun.ko.
# Two hosts (see lib.sh), each with an mdtun port t0 on br0.
#
# Checks: vport-mdtun.ko loads by alias when the first port is added;
# (a) ping over a fixed remote_ip; (b) Geneve-style TLV metadata set by a
# flow (tun_metadata0) crosses the tunnel and is matched on the far side, a
# different value is not; the TLV on the wire; (c) ovs-dpctl and
# dpctl/dump-flows; (d) port deletion removes the vport and the device;
# (e) bad options end up in the Interface error column; (f) traffic flows
# again after restarting ovs-vswitchd; (g) without vport-mdtun.ko, OVS falls
# back to an rtnetlink-created mdtun link.
. "$(dirname "$0")/lib.sh"

# ---- Modules ---------------------------------------------------------------------
echo "$T_NAME: Modules, at $SECONDS s"

echo "$T_NAME: OVS from $ovs, kernel $(uname -r), run dir $tmp"
check "vport-mdtun.ko and mdtun.ko installed for modprobe" install_modules
check_match "vport-mdtun.ko answers the vport-type-200 alias" \
	'vport-mdtun\.ko' modprobe --show-depends vport-type-200
check "modprobe openvswitch" modprobe openvswitch
if module_loaded vport_mdtun || module_loaded mdtun; then
	fail "mdtun modules not loaded before the first port" "$(lsmod | grep mdtun)"
else
	pass "mdtun modules not loaded before the first port"
fi

# ---- Hosts ---------------------------------------------------------------------------
echo "$T_NAME: Hosts, at $SECONDS s"

if add_hosts 2; then
	pass "hosts 1 and 2: namespaces, ovsdb-server, ovs-vswitchd (kernel datapath), br0"
else
	fail "hosts set up" "$(tail -n 20 "$tmp"/*/*.log 2>/dev/null)"
	t_done
fi
for h in 1 2; do
	check_match "host $h: mdtun is a registered interface type" \
		'(^|[ ,"])mdtun([ ,"]|$)' vsctl "$h" get open_vswitch . iface_types
done

# ---- (a) Fixed remote_ip ----------------------------------------------------------
echo "$T_NAME: (a) Fixed remote_ip, at $SECONDS s"

# B's port also carries the mark and trusts A: OVS_MDTUN_ATTR_CARRY and
# OVS_MDTUN_ATTR_TRUST reach vport-mdtun.ko.
declare -A t0_extra=([1]="" [2]="options:carry=mark options:trusted_remotes=198.51.100.0/24")
for h in 1 2; do
	check "host $h: add t0 (type=mdtun, remote_ip=$(under_ip $((3 - h))) ${t0_extra[$h]})" \
		vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		"options:remote_ip=$(under_ip $((3 - h)))" ${t0_extra[$h]}
	check "host $h: t0 is up with no error" port_ok "$h" t0
done

if module_loaded vport_mdtun && module_loaded mdtun; then
	pass "vport-mdtun.ko and mdtun.ko were autoloaded for the first port"
else
	fail "modules autoloaded" "$(lsmod | grep -E 'mdtun|openvswitch')"
fi
check_match "vport-mdtun.ko is in use by the datapath (refcnt 1 per namespace)" \
	'^[1-9]' module_refcnt vport_mdtun

check_match "a ping crosses the tunnel (fixed remote_ip)" \
	' 0% packet loss' ping_ok 1 2
check_match "and back (from host 2)" ' 0% packet loss' ping_ok 2 1

# ---- (c) The datapath as the kernel and OVS show it ---------------------------------
echo "$T_NAME: (c) The datapath as the kernel and OVS show it, at $SECONDS s"

# ovs-dpctl, like ovs-vswitchd, has the plugin linked in: it names type 200.
dp_show=$(dpctl 1 show 2>&1)
echo "---- ovs-dpctl show (host 1)"
echo "$dp_show"
check_match "ovs-dpctl show: mdtun_sys_7081 is a vport of type mdtun" \
	'port [0-9]+: mdtun_sys_7081 \(mdtun' echo "$dp_show"
check_nomatch "  and has no complaint about it" 'unsupported type|unknown' echo "$dp_show"
check_match "openvswitch.ko: mdtun_sys_7081 is vport type 200 with carry=mark on host 2" \
	'^type=200 dst_port=7081 carry=0x1 trust=198\.51\.100\.0/24$' vport_get 2 mdtun_sys_7081
check_match "dpctl/show in ovs-vswitchd names the type mdtun" \
	'mdtun_sys_7081 \(mdtun' appctl 1 dpctl/show
# link_kinds HOST DEV: "KIND SLAVE_KIND" of DEV, from ip's JSON.
link_kinds() {
	inh "$1" ip -d -j link show "$2" | "$PY" -c '
import json, sys
li = json.load(sys.stdin)[0]["linkinfo"]
print(li["info_kind"], li["info_slave_kind"])'
}
check_eq "the device behind the vport is an mdtun link enslaved to OVS" \
	"mdtun openvswitch" "$(link_kinds 1 mdtun_sys_7081)"
check_match "dpif/show lists t0" 't0 [0-9]+/[0-9]+: \(mdtun: remote_ip=198\.51\.100\.2\)' \
	appctl 1 dpif/show

# ---- (b) TLV metadata --------------------------------------------------------------
echo "$T_NAME: (b) TLV metadata, at $SECONDS s"

# Both sides switch t0 to remote_ip=flow and replace NORMAL switching by
# flows: the sender sets tun_dst and tun_metadata0, the receiver delivers
# only what carries tun_metadata0=0x1234 (cookie 0x11) and drops the rest
# (cookie 0x12).
setup_tlv_flows() {
	local h=$1 other=$((3 - $1))
	vsctl "$h" set interface t0 options:remote_ip=flow &&
	ofctl "$h" del-flows br0 &&
	ofctl "$h" del-tlv-map br0 &&
	ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x80,len=4}->tun_metadata0" &&
	ofctl "$h" add-flow br0 "cookie=0x10,priority=10,in_port=p$h,actions=set_field:$(under_ip "$other")->tun_dst,set_field:0x1234->tun_metadata0,output:t0" &&
	ofctl "$h" add-flow br0 "cookie=0x11,priority=10,in_port=t0,tun_metadata0=0x1234,actions=output:p$h" &&
	ofctl "$h" add-flow br0 "cookie=0x12,priority=5,in_port=t0,actions=drop" &&
	settle "$h"
}
for h in 1 2; do
	check "host $h: TLV map, remote_ip=flow and metadata flows" setup_tlv_flows "$h"
	check "host $h: t0 up with remote_ip=flow" port_ok "$h" t0
done
check_match "tlv map installed" '0x102 +0x80 +4 +tun_metadata0' ofctl 1 dump-tlv-map br0

# Capture the underlay while pinging, to show the TLV on the wire.
capture_start 2 4 --src 198.51.100.1

check_match "ping with tun_metadata0=0x1234 set and matched" \
	' 0% packet loss' ping_ok 1 2
# Right away, before the datapath flows expire (10 s idle).
check_match "dpctl/dump-flows shows set(tunnel(...geneve(...)))" \
	'set\(tunnel\(.*dst=198\.51\.100\.2.*geneve\(\{class=0x102,type=0x80,len=4,0x1234\}\)' \
	appctl 1 dpctl/dump-flows
check_match "received flows match the tunnel metadata" \
	'tunnel\(.*src=198\.51\.100\.1.*geneve\(\{class=0x102,type=0x80,len=4,0x1234' \
	appctl 2 dpctl/dump-flows
echo "---- dpctl/dump-flows (host 1)"
appctl 1 dpctl/dump-flows
echo "---- dpctl/dump-flows (host 2)"
appctl 2 dpctl/dump-flows
before=$(synced_n_packets 2 0x11)
check_ge "receiver's tun_metadata0=0x1234 flow counted the packets" 1 "$before"

wire=$(capture_decode ip.src ip.dst mdtun.vni mdtun.tlv.class mdtun.tlv.type \
	mdtun.tlv.len mdtun.tlv.data)
echo "---- underlay packets from host 1, by the Wireshark dissector"
echo "---- (src dst vni tlv.class tlv.type tlv.len tlv.data)"
echo "$wire"
# Every one of them: from 1 to 2, VNI 0 (no key), one TLV: class 0x0102,
# type 0x80, one word, 0x00001234.
check_eq "4 datagrams, each with TLV class 0x0102 type 0x80 value 0x00001234" \
	"$(printf '198.51.100.1\t198.51.100.2\t0\t0x0102\t0x80\t1\t00001234\n%.0s' 1 2 3 4)" \
	"$wire"

# Host 1 sends 0x5678 instead: host 2 must not deliver it.
check "host 1 now sets tun_metadata0=0x5678" \
	ofctl 1 mod-flows br0 "cookie=0x10/-1,in_port=p1,actions=set_field:198.51.100.2->tun_dst,set_field:0x5678->tun_metadata0,output:t0"
# The kernel still holds megaflows with the old action until revalidation:
# flush them so that no packet in flight can still carry 0x1234.
appctl 1 revalidator/purge >/dev/null
before=$(synced_n_packets 2 0x11)
drops_before=$(synced_n_packets 2 0x12)
check "ping with the wrong metadata value fails" ping_fails 1 2
check_eq "0x5678 does not hit host 2's 0x1234 flow" "$before" "$(synced_n_packets 2 0x11)"
check_ge "  but its drop flow" $((drops_before + 3)) "$(synced_n_packets 2 0x12)"
check "host 1 back to 0x1234" \
	ofctl 1 mod-flows br0 "cookie=0x10/-1,in_port=p1,actions=set_field:198.51.100.2->tun_dst,set_field:0x1234->tun_metadata0,output:t0"
check_match "and the ping works again" ' 0% packet loss' ping_ok 1 2

# ---- (f) Restarting ovs-vswitchd ------------------------------------------------------
echo "$T_NAME: (f) Restarting ovs-vswitchd, at $SECONDS s"

stop_daemon "$tmp/1" ovs-vswitchd
check_match "the vport stays in the datapath while ovs-vswitchd is down" \
	'mdtun_sys_7081' dpctl 1 show
if start_vswitchd 1; then pass "host 1: ovs-vswitchd restarts"; else fail "host 1: ovs-vswitchd restarts"; fi
check "restarted ovs-vswitchd applies the database" \
	vsctl 1 set open_vswitch . external_ids:mdtun-test=restarted
check "host 1: t0 up after the restart" port_ok 1 t0
check "host 1: flows and TLV map back (controller-less: re-added)" setup_tlv_flows 1
check_match "traffic flows again after the restart" ' 0% packet loss' ping_ok 1 2
check_match "still one mdtun vport in host 1's datapath" '^1$' \
	sh -c "ip netns exec '$(hns 1)' ovs-dpctl show | grep -c mdtun_sys_7081"

# ---- (e) Bad options -------------------------------------------------------------------
echo "$T_NAME: (e) Bad options, at $SECONDS s"

vsctl 1 add-port br0 bad1 -- set interface bad1 type=mdtun \
	options:remote_ip=flow options:carry=bogus >/dev/null 2>&1
port_error "carry=bogus is refused by the plugin" 1 bad1 \
	"invalid carry 'bogus'"
vsctl 1 add-port br0 bad2 -- set interface bad2 type=mdtun \
	options:remote_ip=flow options:trusted_remotes=192.0.2.0/33 >/dev/null 2>&1
port_error "trusted_remotes with /33 is refused" 1 bad2 "prefix length must be 0 to 32"

# The kernel refuses a port whose UDP port is taken: the error from
# vport-mdtun.ko reaches the error column.
inh 1 python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7090))
time.sleep(600)' &
blocker=$!
check_within "a UDP socket holds port 7090" 30 sh -c "ip netns exec $(hns 1) ss -Hlun 'sport = :7090' | grep -q 7090"
vsctl 1 add-port br0 bad3 -- set interface bad3 type=mdtun \
	options:remote_ip=flow options:dst_port=7090 >/dev/null 2>&1
port_error "a UDP port in use makes the kernel refuse the vport" 1 bad3 \
	"could not (add|open)|in use|Address"
check_nomatch "no half-created device left behind" 'mdtun_sys_7090' \
	inh 1 ip link show
kill "$blocker" 2>/dev/null
wait "$blocker" 2>/dev/null
check "with the UDP port free again, fixing bad3 (dst_port=7091) brings it up" \
	vsctl 1 set interface bad3 options:dst_port=7091
check "bad3 is up" port_ok 1 bad3
check_match "its vport is in the datapath" 'mdtun_sys_7091' dpctl 1 show
check "t0 unaffected by the bad ports" port_ok 1 t0
check_match "traffic still flows" ' 0% packet loss' ping_ok 1 2

# ---- (d) Deleting ports ----------------------------------------------------------------
echo "$T_NAME: (d) Deleting ports, at $SECONDS s"

check "deleting bad3" vsctl 1 del-port br0 bad3
check_nomatch "bad3's vport left the datapath" 'mdtun_sys_7091' dpctl 1 show
check_nomatch "bad3's device is gone" 'mdtun_sys_7091' inh 1 ip link show
check "deleting t0 on host 1" vsctl 1 del-port br0 t0
check_nomatch "t0's vport left the datapath" 'mdtun_sys_7081' dpctl 1 show
check_nomatch "t0's device is gone" 'mdtun_sys_7081' inh 1 ip link show
check "deleting t0 on host 2" vsctl 2 del-port br0 t0

# ---- Kernel option checks, without OVS userspace -----------------------------------
echo "$T_NAME: Kernel option checks, without OVS userspace, at $SECONDS s"

# A third namespace with a bare datapath (no ovs-vswitchd, which would
# delete ports it does not know) gets vport requests straight over Generic
# Netlink: options the plugin never sends must be refused cleanly, and
# get_options must report what was configured.
hC=ovx$$
vnl() { ip netns exec "$hC" /usr/bin/python3 "$top/tests/ovs-kernel/vport_nl.py" "$@"; }
no_dev() { ! ip -n "$hC" link show "$1" >/dev/null 2>&1; }
ip netns add "$hC" && ip -n "$hC" link set lo up
check "bare datapath in a third namespace" ip netns exec "$hC" ovs-dpctl add-dp ovs-system
check_match "vport with dst_port, carry and IPv4+IPv6 trust" '^ok$' \
	vnl add mdc1 --dst-port 7095 --carry 0x1 --trust 198.51.100.7/24 \
	--trust 2001:db8::1/32
check_match "get_options reports them (prefixes masked)" \
	'^type=200 dst_port=7095 carry=0x1 trust=198\.51\.100\.0/24,2001:db8::/32$' \
	vnl get mdc1
check_match "vport without options gets the defaults" '^ok$' vnl add mdc2 --no-options
check_match "defaults: UDP port 7081, nothing carried" \
	'^type=200 dst_port=7081 carry=0x0$' vnl get mdc2
check_error "carry with an unknown bit is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 --carry 0x80000000
check "  and leaves no device" no_dev mdc3
check_match "  with the reason in the kernel log" \
	'port mdc3: invalid options: .*' sh -c 'dmesg | grep vport_mdtun'
check_error "an unknown option attribute is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 --raw 3:00000000
check_error "dst_port 0 is refused (out of range)" 'error: 34 ' vnl add mdc3 --dst-port 0
check_error "an IPv4 trust prefix /40 is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 \
	--raw 0x8041:1400018008000100c63364000500020028000000
check_error "17 trust prefixes are refused" 'error: 7 ' \
	vnl add mdc3 --dst-port 7096 $(for i in $(seq 1 17); do echo "--trust 203.0.113.$i/32"; done)
check_error "a second vport on the same UDP port is refused" 'error: ' \
	vnl add mdc3 --dst-port 7095
check "  and leaves no device" no_dev mdc3
echo "---- kernel log of the refusals"
dmesg | grep vport_mdtun | tail -n 8
check_match "deleting the vports" '^ok$' sh -c "ip netns exec '$hC' /usr/bin/python3 '$top/tests/ovs-kernel/vport_nl.py' del mdc1 && ip netns exec '$hC' /usr/bin/python3 '$top/tests/ovs-kernel/vport_nl.py' del mdc2 >/dev/null"
check "  removes their devices" sh -c "! ip -n '$hC' link show mdc1 2>/dev/null && ! ip -n '$hC' link show mdc2 2>/dev/null"
ip netns exec "$hC" ovs-dpctl del-dp ovs-system >/dev/null 2>&1
ip netns del "$hC"
check_match "vport-mdtun.ko no longer in use" '^0$' module_refcnt vport_mdtun
check "vport-mdtun.ko unloads" rmmod vport_mdtun

# ---- (g) The rtnetlink fallback (no vport-mdtun.ko) ----------------------------------
echo "$T_NAME: (g) The rtnetlink fallback (no vport-mdtun.ko), at $SECONDS s"

# When openvswitch.ko cannot load a module for vport type 200, OVS creates
# an "mdtun" link over rtnetlink and attaches it as a netdev vport, as it
# does for geneve: the stock ovs-dpctl then says "system" for it.
echo "install vport_mdtun /bin/false" > /etc/modprobe.d/mdtun-test-novport.conf
for h in 1 2; do
	check "host $h: t0 (remote_ip=flow) added again" \
		vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow
	check "host $h: t0 up through an rtnetlink link" port_ok "$h" t0
	check "host $h: TLV map and flows again" setup_tlv_flows "$h"
done
# (ovs-dpctl names a netdev vport after its name's prefix: "mdtun" too.)
check_match "openvswitch.ko: mdtun_sys_7081 is now a netdev vport (type 1)" \
	'^type=1( |$)' vport_get 1 mdtun_sys_7081
check_match "  an mdtun link in collect-metadata mode" '"external": *true' \
	inh 1 mdtun-ctl show mdtun_sys_7081 --json
check_match "TLV metadata crosses that path too" ' 0% packet loss' ping_ok 1 2
if module_loaded vport_mdtun; then
	fail "vport-mdtun.ko not needed for the rtnetlink path" "$(lsmod | grep mdtun)"
else
	pass "vport-mdtun.ko not needed for the rtnetlink path"
fi
check "deleting t0 on host 1" vsctl 1 del-port br0 t0
check_nomatch "  removes the rtnetlink link" 'mdtun_sys_7081' inh 1 ip link show
rm -f /etc/modprobe.d/mdtun-test-novport.conf

t_done
