#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The mdtun tunnel type in ovs-vswitchd with the kernel datapath: the stock
# openvswitch.ko plus vport-mdtun.ko (OVS_VPORT_TYPE_MDTUN) and mdtun.ko.
#
# Two "hosts" (network namespaces hA and hB) share an underlay veth
# (198.51.100.1 and .2).  Each runs its own ovsdb-server and ovs-vswitchd
# (kernel datapath, inside its namespace) with a bridge br0 holding an mdtun
# port t0 and a veth to an "endpoint" namespace (eA 192.0.2.1, eB 192.0.2.2).
#
#   eA --veth-- [hA: br0 + t0] ==udp 7081 over veth== [hB: br0 + t0] --veth-- eB
#
# Checks: vport-mdtun.ko loads by alias when the first port is added;
# (a) ping over a fixed remote_ip; (b) Geneve-style TLV metadata set by a
# flow (tun_metadata0) crosses the tunnel and is matched on the far side, a
# different value is not; the TLV on the wire; (c) ovs-dpctl and
# dpctl/dump-flows; (d) port deletion removes the vport and the device;
# (e) bad options end up in the Interface error column; (f) traffic flows
# again after restarting ovs-vswitchd.
#
# ovs-vswitchd runs with MDTUN_OVS_KERNEL_PORT=vport so that its mdtun
# ports are OVS_VPORT_TYPE_MDTUN vports; without it OVS creates an rtnetlink
# mdtun link first (also checked, briefly, at the end).
#
# Must run as root in a VM with Debian's 6.1 kernel:
#   utilities/mdtun-vm -- tests/ovs-kernel/run.sh [OVS_BUILD_DIR]
# Ends with "ovs-kernel: N passed, M failed"; exits non-zero on a failure.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ovs=${1:-${OVS_BUILD:-$top/ovs-build}}
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	for l in "$@"; do echo "      $l"; done
}
summary() { echo "ovs-kernel: $passed passed, $failed failed"; }

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# check_match NAME REGEX CMD...: passes when CMD's output matches REGEX.
check_match() {
	local name=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		pass "$name"
	else
		fail "$name" "expected /$re/ in output of: $*" "got: $out"
	fi
}

# check_nomatch NAME REGEX CMD...
check_nomatch() {
	local name=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		fail "$name" "unexpected /$re/ in output of: $*" "got: $out"
	else
		pass "$name"
	fi
}

# ---- Prerequisites -----------------------------------------------------------

if [ "$(id -u)" != 0 ] || [ "${MDTUN_VM:-}" != 1 ]; then
	echo "ovs-kernel: run inside the test VM: utilities/mdtun-vm -- $0"
	fail "not in the VM"
	summary
	exit 1
fi
for f in "$ovs/vswitchd/ovs-vswitchd" "$top/datapath/mdtun.ko" \
	"$top/datapath/vport-mdtun.ko"; do
	if [ ! -e "$f" ]; then
		fail "prerequisite $f missing (make; make ovs)"
		summary
		exit 1
	fi
done
ovs=$(cd "$ovs" && pwd)
PATH=$ovs/vswitchd:$ovs/ovsdb:$ovs/utilities:$PATH
export OVS_PKGDATADIR=$ovs

tmp=$(mktemp -d /tmp/ovs-kernel.XXXXXX)
ns() { echo "mdk$$$1"; }	# namespace names: hA hB eA eB
hA=$(ns hA) hB=$(ns hB) eA=$(ns eA) eB=$(ns eB)
declare -A under_ip=([A]=198.51.100.1 [B]=198.51.100.2)
declare -A over_ip=([A]=192.0.2.1 [B]=192.0.2.2)
declare -A peer=([A]=B [B]=A)
export MDTUN_OVS_KERNEL_PORT=vport

# ---- Per-host helpers ----------------------------------------------------------

henv() { echo "OVS_RUNDIR=$tmp/$1 OVS_DBDIR=$tmp/$1 OVS_LOGDIR=$tmp/$1 OVS_SYSCONFDIR=$tmp/$1"; }
hns() { if [ "$1" = A ]; then echo "$hA"; else echo "$hB"; fi; }
ens() { if [ "$1" = A ]; then echo "$eA"; else echo "$eB"; fi; }
vsctl() { local h=$1; shift; env $(henv "$h") ovs-vsctl --db="unix:$tmp/$h/db.sock" --timeout=60 "$@"; }
ofctl() { local h=$1; shift; env $(henv "$h") ovs-ofctl "$@"; }
appctl() { local h=$1; shift; ovs-appctl --timeout=60 -t "$tmp/$h/ovs-vswitchd.ctl" "$@"; }
dpctl() { local h=$1; shift; ip netns exec "$(hns "$h")" ovs-dpctl "$@"; }
inh() { local h=$1; shift; ip netns exec "$(hns "$h")" "$@"; }

start_ovsdb() {
	local h=$1
	mkdir -p "$tmp/$h"
	ovsdb-tool create "$tmp/$h/conf.db" "$ovs/vswitchd/vswitch.ovsschema" &&
	env $(henv "$h") ovsdb-server "$tmp/$h/conf.db" \
		--remote="punix:$tmp/$h/db.sock" \
		--pidfile="$tmp/$h/ovsdb-server.pid" --detach --no-chdir \
		-vconsole:off --log-file="$tmp/$h/ovsdb-server.log" \
		--unixctl="$tmp/$h/ovsdb-server.ctl" &&
	vsctl "$h" --no-wait init
}

start_vswitchd() {
	local h=$1
	ip netns exec "$(hns "$h")" env $(henv "$h") ovs-vswitchd \
		"unix:$tmp/$h/db.sock" \
		--pidfile="$tmp/$h/ovs-vswitchd.pid" --detach --no-chdir \
		-vconsole:off --log-file="$tmp/$h/ovs-vswitchd.log" \
		--unixctl="$tmp/$h/ovs-vswitchd.ctl"
}

# stop_daemon HOST NAME: stops a daemon we started, by its pidfile.
stop_daemon() {
	local pidfile=$tmp/$1/$2.pid pid i=0
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	ovs-appctl -t "$tmp/$1/$2.ctl" exit >/dev/null 2>&1
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null
	rm -f "$pidfile"
}

cleanup() {
	local h
	for h in A B; do
		stop_daemon "$h" ovs-vswitchd
		stop_daemon "$h" ovsdb-server
	done
	if [ "$failed" -ne 0 ]; then
		for h in A B; do
			echo "---- host $h ovs-vswitchd.log (last 30 lines)"
			tail -n 30 "$tmp/$h/ovs-vswitchd.log" 2>/dev/null
		done
		echo "---- dmesg (last 20 lines)"
		dmesg | tail -n 20
	fi
	for n in "$hA" "$hB" "$eA" "$eB" "$(ns hC)"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ping_ok FROM_HOST: the endpoint of FROM_HOST pings the other one.  Tries
# a few times: the first packets of a flow go through ovs-vswitchd, which is
# slow under TCG.
ping_ok() {
	local h=$1 i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if ip netns exec "$(ens "$h")" busybox ping -c 1 -W 2 \
			"${over_ip[${peer[$h]}]}" >/dev/null 2>&1; then
			ip netns exec "$(ens "$h")" busybox ping -c 3 -W 2 \
				"${over_ip[${peer[$h]}]}"
			return
		fi
	done
	echo "no reply from ${over_ip[${peer[$h]}]} after 10 tries"
	return 1
}

ping_fails() {
	! ip netns exec "$(ens "$1")" busybox ping -c 3 -W 1 \
		"${over_ip[${peer[$1]}]}" >/dev/null 2>&1
}

# n_packets HOST COOKIE: packet count of the flow with that cookie.
n_packets() {
	ofctl "$1" dump-flows br0 "cookie=$2/-1" |
		sed -n 's/.*n_packets=\([0-9]*\).*/\1/p' | head -n 1
}

# stable_n_packets HOST COOKIE: the count once OVS has caught up with the
# datapath (revalidators pull kernel flow statistics every second or so).
stable_n_packets() {
	local prev cur i
	prev=$(n_packets "$1" "$2")
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 1.5
		cur=$(n_packets "$1" "$2")
		[ "$cur" = "$prev" ] && break
		prev=$cur
	done
	echo "$cur"
}

# port_ok HOST IFACE: up, with no error and an OpenFlow port number.
port_ok() {
	local err ofport
	err=$(vsctl "$1" get interface "$2" error) || return 1
	ofport=$(vsctl "$1" get interface "$2" ofport) || return 1
	[ "$err" = "[]" ] && [ "$ofport" -gt 0 ] 2>/dev/null && return 0
	echo "$2: error=$err ofport=$ofport"
	return 1
}

# port_error NAME HOST IFACE REGEX: down with an error matching REGEX.
port_error() {
	local err ofport
	err=$(vsctl "$2" get interface "$3" error)
	ofport=$(vsctl "$2" get interface "$3" ofport)
	if printf '%s\n' "$err" | grep -Eq -- "$4" && [ "$ofport" = "-1" ]; then
		pass "$1"
		echo "      error column: $err"
	else
		fail "$1" "expected error /$4/ and ofport -1" \
			"got error=$err ofport=$ofport"
	fi
}

module_loaded() { [ -d "/sys/module/$1" ]; }
module_refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null; }

# ---- Modules ---------------------------------------------------------------------

echo "ovs-kernel: OVS from $ovs, kernel $(uname -r), run dir $tmp"

# Install the modules where modprobe finds them (the VM's root is a
# throwaway overlay), so that openvswitch.ko's request for
# "vport-type-200" loads vport-mdtun.ko and, as its dependency, mdtun.ko.
kmod_dir=/lib/modules/$(uname -r)/extra/mdtun
mkdir -p "$kmod_dir" &&
	cp "$top/datapath/mdtun.ko" "$top/datapath/vport-mdtun.ko" "$kmod_dir/" &&
	depmod -a
check_match "vport-mdtun.ko answers the vport-type-200 alias" \
	'vport-mdtun\.ko' modprobe --show-depends vport-type-200
check "modprobe openvswitch" modprobe openvswitch
if module_loaded vport_mdtun || module_loaded mdtun; then
	fail "mdtun modules not loaded before the first port" "$(lsmod | grep mdtun)"
else
	pass "mdtun modules not loaded before the first port"
fi

# ---- Topology ----------------------------------------------------------------------

setup_net() {
	local h n e
	for n in "$hA" "$hB" "$eA" "$eB"; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up || return 1
	done
	ip link add uA netns "$hA" type veth peer name uB netns "$hB" || return 1
	for h in A B; do
		n=$(hns "$h")
		e=$(ens "$h")
		ip -n "$n" addr add "${under_ip[$h]}/24" dev "u$h" &&
		ip -n "$n" link set "u$h" up &&
		ip link add "p$h" netns "$n" type veth peer name eth0 netns "$e" &&
		ip -n "$n" link set "p$h" up &&
		ip -n "$e" addr add "${over_ip[$h]}/24" dev eth0 &&
		ip -n "$e" link set eth0 mtu 1400 up || return 1
	done
}
check "namespaces, underlay and endpoints" setup_net

for h in A B; do
	if start_ovsdb "$h" && start_vswitchd "$h"; then
		pass "host $h: ovsdb-server and ovs-vswitchd (kernel datapath) start"
	else
		fail "host $h: daemons start" "$(tail -n 20 "$tmp/$h"/*.log 2>/dev/null)"
		summary
		exit 1
	fi
	check_match "host $h: mdtun is a registered interface type" \
		'(^|[ ,"])mdtun([ ,"]|$)' vsctl "$h" get open_vswitch . iface_types
	check "host $h: bridge br0 (kernel datapath) with port p$h" \
		vsctl "$h" add-br br0 -- add-port br0 "p$h"
done

# ---- (a) Fixed remote_ip ----------------------------------------------------------

# B's port also carries the mark and trusts A: OVS_MDTUN_ATTR_CARRY and
# OVS_MDTUN_ATTR_TRUST reach vport-mdtun.ko.
declare -A t0_extra=([A]="" [B]="options:carry=mark options:trusted_remotes=198.51.100.0/24")
for h in A B; do
	check "host $h: add t0 (type=mdtun, remote_ip=${under_ip[${peer[$h]}]} ${t0_extra[$h]})" \
		vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		"options:remote_ip=${under_ip[${peer[$h]}]}" ${t0_extra[$h]}
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
	' 0% packet loss' ping_ok A
check_match "and back (from B)" ' 0% packet loss' ping_ok B

# ---- (c) The datapath as the kernel and OVS show it ---------------------------------

# The stock ovs-dpctl (no plugin linked) cannot name type 200; ovs-vswitchd
# (with the plugin) can.
dp_show=$(dpctl A show 2>&1)
echo "---- ovs-dpctl show (host A)"
echo "$dp_show"
if printf '%s\n' "$dp_show" | grep -Eq 'port [0-9]+: mdtun_sys_7081 \((unknown|mdtun)'; then
	pass "ovs-dpctl show: mdtun_sys_7081 is a vport of our type, not a netdev"
else
	fail "ovs-dpctl show lists mdtun_sys_7081 with type unknown/mdtun" "$dp_show"
fi
check_match "dpctl/show in ovs-vswitchd names the type mdtun" \
	'mdtun_sys_7081 \(mdtun' appctl A dpctl/show
check_match "the device behind the vport is an mdtun link enslaved to OVS" \
	'mdtun .*openvswitch_slave|openvswitch_slave' \
	inh A ip -d link show mdtun_sys_7081
check_match "dpif/show lists t0" 't0 [0-9]+/[0-9]+: \(mdtun: remote_ip=198\.51\.100\.2\)' \
	appctl A dpif/show

# ---- (b) TLV metadata --------------------------------------------------------------

# Both sides switch t0 to remote_ip=flow and replace NORMAL switching by
# flows: the sender sets tun_dst and tun_metadata0, the receiver delivers
# only what carries tun_metadata0=0x1234 (cookie 0x11) and drops the rest
# (cookie 0x12).
setup_tlv_flows() {
	local h=$1 other=${peer[$1]}
	vsctl "$h" set interface t0 options:remote_ip=flow &&
	ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x80,len=4}->tun_metadata0" &&
	ofctl "$h" del-flows br0 &&
	ofctl "$h" add-flow br0 "cookie=0x10,priority=10,in_port=p$h,actions=set_field:${under_ip[$other]}->tun_dst,set_field:0x1234->tun_metadata0,output:t0" &&
	ofctl "$h" add-flow br0 "cookie=0x11,priority=10,in_port=t0,tun_metadata0=0x1234,actions=output:p$h" &&
	ofctl "$h" add-flow br0 "cookie=0x12,priority=5,in_port=t0,actions=drop"
}
for h in A B; do
	check "host $h: TLV map, remote_ip=flow and metadata flows" setup_tlv_flows "$h"
	check "host $h: t0 up with remote_ip=flow" port_ok "$h" t0
done
check_match "tlv map installed" '0x102 +0x80 +4 +tun_metadata0' ofctl A dump-tlv-map br0

# Capture the underlay while pinging, to show the TLV on the wire.
capture=$tmp/underlay.pcap
inh B tshark -q -i uB -f "udp dst port 7081" -c 4 -w "$capture" \
	>"$tmp/tshark.log" 2>&1 &
tshark_pid=$!
# tshark takes a while to start under TCG.
i=0
while ! grep -q 'Capture started' "$tmp/tshark.log" 2>/dev/null && [ $i -lt 60 ]; do
	sleep 0.5
	i=$((i + 1))
done

check_match "ping with tun_metadata0=0x1234 set and matched" \
	' 0% packet loss' ping_ok A
# Right away, before the datapath flows expire (10 s idle).
check_match "dpctl/dump-flows shows set(tunnel(...geneve(...)))" \
	'set\(tunnel\(.*dst=198\.51\.100\.2.*geneve\(\{class=0x102,type=0x80,len=4,0x1234\}\)' \
	appctl A dpctl/dump-flows
check_match "received flows match the tunnel metadata" \
	'tunnel\(.*src=198\.51\.100\.1.*geneve\(\{class=0x102,type=0x80,len=4,0x1234' \
	appctl B dpctl/dump-flows
echo "---- dpctl/dump-flows (host A)"
appctl A dpctl/dump-flows
echo "---- dpctl/dump-flows (host B)"
appctl B dpctl/dump-flows
before=$(stable_n_packets B 0x11)
check "receiver's tun_metadata0=0x1234 flow counted the packets" \
	test "${before:-0}" -gt 0

i=0
while kill -0 "$tshark_pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
kill "$tshark_pid" 2>/dev/null
wait "$tshark_pid" 2>/dev/null
wire=$(tshark -r "$capture" -X "lua_script:$top/utilities/wireshark/mdtun.lua" \
	-T fields -e ip.src -e ip.dst -e mdtun.vni -e mdtun.tlv.class \
	-e mdtun.tlv.type -e mdtun.tlv.len -e mdtun.tlv.data 2>&1)
echo "---- underlay packets (src dst vni tlv.class tlv.type tlv.len tlv.data)"
echo "$wire"
if printf '%s\n' "$wire" | grep -Eq '0x0*102.*0x80.*1.*00001234'; then
	pass "TLV class 0x0102 type 0x80 value 0x00001234 on the wire"
else
	fail "TLV on the wire" "$wire" "$(cat "$tmp/tshark.log")"
fi

# A sends 0x5678 instead: B must not deliver it.
check "host A now sets tun_metadata0=0x5678" \
	ofctl A mod-flows br0 "cookie=0x10/-1,in_port=pA,actions=set_field:198.51.100.2->tun_dst,set_field:0x5678->tun_metadata0,output:t0"
# The kernel still holds megaflows with the old action until revalidation:
# flush them so that no packet in flight can still carry 0x1234.
appctl A revalidator/purge >/dev/null
before=$(stable_n_packets B 0x11)
drops_before=$(stable_n_packets B 0x12)
check "ping with the wrong metadata value fails" ping_fails A
after=$(stable_n_packets B 0x11)
drops_after=$(stable_n_packets B 0x12)
if [ "${after:-x}" = "${before:-y}" ] &&
	[ "${drops_after:-0}" -gt "${drops_before:-0}" ]; then
	pass "0x5678 hits B's drop flow ($drops_before -> $drops_after), not the 0x1234 flow ($after)"
else
	fail "wrong value not delivered" "0x1234 flow: $before -> $after" \
		"drop flow: $drops_before -> $drops_after"
fi
check "host A back to 0x1234" \
	ofctl A mod-flows br0 "cookie=0x10/-1,in_port=pA,actions=set_field:198.51.100.2->tun_dst,set_field:0x1234->tun_metadata0,output:t0"
check_match "and the ping works again" ' 0% packet loss' ping_ok A

# ---- (f) Restarting ovs-vswitchd ------------------------------------------------------

stop_daemon A ovs-vswitchd
check_match "the vport stays in the datapath while ovs-vswitchd is down" \
	'mdtun_sys_7081' dpctl A show
if start_vswitchd A; then pass "host A: ovs-vswitchd restarts"; else fail "host A: ovs-vswitchd restarts"; fi
check "restarted ovs-vswitchd applies the database" \
	vsctl A set open_vswitch . external_ids:mdtun-test=restarted
check "host A: t0 up after the restart" port_ok A t0
check "host A: flows and TLV map back (controller-less: re-added)" setup_tlv_flows A
check_match "traffic flows again after the restart" ' 0% packet loss' ping_ok A
check_match "still one mdtun vport in host A's datapath" '^1$' \
	sh -c "ip netns exec '$hA' ovs-dpctl show | grep -c mdtun_sys_7081"

# ---- (e) Bad options -------------------------------------------------------------------

vsctl A add-port br0 bad1 -- set interface bad1 type=mdtun \
	options:remote_ip=flow options:carry=bogus >/dev/null 2>&1
port_error "carry=bogus is refused by the plugin" A bad1 \
	"invalid carry 'bogus'"
vsctl A add-port br0 bad2 -- set interface bad2 type=mdtun \
	options:remote_ip=flow options:trusted_remotes=192.0.2.0/33 >/dev/null 2>&1
port_error "trusted_remotes with /33 is refused" A bad2 "prefix length must be 0 to 32"

# The kernel refuses a port whose UDP port is taken: the error from
# vport-mdtun.ko reaches the error column.
inh A python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7090))
time.sleep(600)' &
blocker=$!
i=0
while ! inh A ss -Hlun 'sport = :7090' | grep -q 7090 && [ $i -lt 60 ]; do
	sleep 0.5
	i=$((i + 1))
done
vsctl A add-port br0 bad3 -- set interface bad3 type=mdtun \
	options:remote_ip=flow options:dst_port=7090 >/dev/null 2>&1
port_error "a UDP port in use makes the kernel refuse the vport" A bad3 \
	"could not (add|open)|in use|Address"
check_nomatch "no half-created device left behind" 'mdtun_sys_7090' \
	inh A ip link show
kill "$blocker" 2>/dev/null
wait "$blocker" 2>/dev/null
check "with the UDP port free again, fixing bad3 (dst_port=7091) brings it up" \
	vsctl A set interface bad3 options:dst_port=7091
check "bad3 is up" port_ok A bad3
check_match "its vport is in the datapath" 'mdtun_sys_7091' dpctl A show
check "t0 unaffected by the bad ports" port_ok A t0
check_match "traffic still flows" ' 0% packet loss' ping_ok A

# ---- (d) Deleting ports ----------------------------------------------------------------

check "deleting bad3" vsctl A del-port br0 bad3
check_nomatch "bad3's vport left the datapath" 'mdtun_sys_7091' dpctl A show
check_nomatch "bad3's device is gone" 'mdtun_sys_7091' inh A ip link show
check "deleting t0 on host A" vsctl A del-port br0 t0
check_nomatch "t0's vport left the datapath" 'mdtun_sys_7081' dpctl A show
check_nomatch "t0's device is gone" 'mdtun_sys_7081' inh A ip link show
check "deleting t0 on host B" vsctl B del-port br0 t0

# ---- Kernel option checks, without OVS userspace -----------------------------------

# A third namespace with a bare datapath (no ovs-vswitchd, which would
# delete ports it does not know) gets vport requests straight over Generic
# Netlink: options the plugin never sends must be refused cleanly, and
# get_options must report what was configured.
hC=$(ns hC)
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
check_match "carry with an unknown bit is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 --carry 0x80000000
check "  and leaves no device" no_dev mdc3
check_match "  with the reason in the kernel log" \
	'port mdc3: invalid options: .*' sh -c 'dmesg | grep vport_mdtun'
check_match "an unknown option attribute is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 --raw 3:00000000
check_match "dst_port 0 is refused (out of range)" 'error: 34 ' vnl add mdc3 --dst-port 0
check_match "an IPv4 trust prefix /40 is refused" 'error: 22 ' \
	vnl add mdc3 --dst-port 7096 \
	--raw 0x8041:1400018008000100c63364000500020028000000
check_match "17 trust prefixes are refused" 'error: 7 ' \
	vnl add mdc3 --dst-port 7096 $(for i in $(seq 1 17); do echo "--trust 203.0.113.$i/32"; done)
check_match "a second vport on the same UDP port is refused" 'error: ' \
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

# ---- The rtnetlink path (no vport-mdtun.ko) ---------------------------------------------

# Without MDTUN_OVS_KERNEL_PORT=vport, OVS creates an rtnetlink mdtun link
# and attaches it as a netdev vport: the stock ovs-dpctl then says
# "system" for it.
unset MDTUN_OVS_KERNEL_PORT
for h in A B; do
	stop_daemon "$h" ovs-vswitchd
	start_vswitchd "$h" || fail "host $h: ovs-vswitchd restarts without the vport knob"
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow >/dev/null 2>&1
	check "host $h: t0 up through an rtnetlink link" port_ok "$h" t0
	setup_tlv_flows "$h" >/dev/null 2>&1
done
check_match "ovs-dpctl: mdtun_sys_7081 is now a netdev vport" \
	'mdtun_sys_7081( \(system\))?$' dpctl A show
check_match "TLV metadata crosses that path too" ' 0% packet loss' ping_ok A
if module_loaded vport_mdtun; then
	fail "vport-mdtun.ko not needed for the rtnetlink path" "$(lsmod | grep mdtun)"
else
	pass "vport-mdtun.ko not needed for the rtnetlink path"
fi

summary
[ "$failed" -eq 0 ]
