# SPDX-License-Identifier: Apache-2.0
#
# Shared helpers of the OVS kernel-datapath tests (tests/ovs-kernel/t-*.sh),
# which run as root inside utilities/mdtun-vm with Debian's 6.1 kernel.
#
# A test builds "hosts" 1..N.  Host K is a network namespace with its own
# ovsdb-server and ovs-vswitchd (kernel datapath, separate run directory
# $tmp/K) and a bridge br0; its underlay device "ul" (198.51.100.K/24,
# 2001:db8:1::K/64) hangs on a bridge in the namespace "sw" that joins all
# hosts.  Behind br0's port pK sits an endpoint namespace with eth0 at
# 192.0.2.K/24, 2001:db8:2::K/64 and the MAC address 02:00:00:00:00:0K;
# endpoints know each other's MAC addresses (no ARP through the tunnel):
#
#   endpoint K --veth-- [host K: br0 + mdtun port] --ul-- sw --ul-- [host J]
#
# The checks are tests/lib/checks.sh; tests/lib/run-tests.sh runs the
# tests (make check-ovs-kernel OTESTS=t-basic).

set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ovs=${OVS_BUILD:-$top/ovs-build}
n_hosts=0

. "$top/tests/lib/checks.sh"
. "$top/tests/lib/ovs.sh"

# ---- Prerequisites ---------------------------------------------------------

if [ "$(id -u)" != 0 ] || [ "${MDTUN_VM:-}" != 1 ]; then
	echo "$T_NAME: run inside the test VM: make check-ovs-kernel OTESTS=$T_NAME"
	exit 2
fi
for f in "$ovs/vswitchd/ovs-vswitchd" "$top/datapath/mdtun.ko" \
	"$top/datapath/vport-mdtun.ko"; do
	if [ ! -e "$f" ]; then
		echo "$T_NAME: $f missing (run make first)"
		exit 2
	fi
done
ovs=$(cd "$ovs" && pwd)
PATH=$ovs/vswitchd:$ovs/ovsdb:$ovs/utilities:$top/utilities/mdtun-ctl:$PATH
export OVS_PKGDATADIR=$ovs
PY=/usr/bin/python3	# Debian's, with scapy
TLIB=$top/tests/lib

tmp=$(mktemp -d "/tmp/$T_NAME.XXXXXX")

# Install the modules where modprobe finds them (the VM's root is a
# throwaway overlay), so that openvswitch.ko's request for
# "vport-type-200" loads vport-mdtun.ko and, as its dependency, mdtun.ko.
install_modules() {
	local dir=/lib/modules/$(uname -r)/extra/mdtun
	[ -f "$dir/vport-mdtun.ko" ] &&
		cmp -s "$dir/vport-mdtun.ko" "$top/datapath/vport-mdtun.ko" &&
		return 0
	mkdir -p "$dir" &&
		cp "$top/datapath/mdtun.ko" "$top/datapath/vport-mdtun.ko" "$dir/" &&
		depmod -a
}

# ---- Hosts -------------------------------------------------------------------

hns() { echo "ovk$1"; }		# host K's namespace
ens() { echo "ove$1"; }		# its endpoint's namespace
mac() { printf '02:00:00:00:00:%02x' "$1"; }
under_ip() { echo "198.51.100.$1"; }
under_ip6() { echo "2001:db8:1::$1"; }
over_ip() { echo "192.0.2.$1"; }

henv() { ovs_env "$tmp/$1"; }
vsctl() { local h=$1; shift; env $(henv "$h") ovs-vsctl --db="unix:$tmp/$h/db.sock" --timeout=60 "$@"; }
ofctl() { local h=$1; shift; env $(henv "$h") ovs-ofctl "$@"; }
appctl() { local h=$1; shift; ovs-appctl --timeout=60 -t "$tmp/$h/ovs-vswitchd.ctl" "$@"; }
dpctl() { local h=$1; shift; ip netns exec "$(hns "$h")" ovs-dpctl "$@"; }
inh() { local h=$1; shift; ip netns exec "$(hns "$h")" "$@"; }
ine() { local h=$1; shift; ip netns exec "$(ens "$h")" "$@"; }

start_ovsdb() { ovs_start_db "$tmp/$1"; }
start_vswitchd() { ovs_start_vswitchd "$tmp/$1" "$(hns "$1")"; }

# add_host K: host K with its endpoint, daemons and bridge br0 (port pK);
# the namespace "sw" must exist (add_hosts makes it).
add_host() {
	local k=$1 h e
	h=$(hns "$k")
	e=$(ens "$k")
	ip netns add "$h" && ip netns add "$e" &&
	ip -n "$h" link set lo up && ip -n "$e" link set lo up &&
	ip link add ul netns "$h" type veth peer name "u$k" netns sw &&
	ip -n sw link set "u$k" master br0 up &&
	ip -n "$h" addr add "$(under_ip "$k")/24" dev ul &&
	ip -n "$h" addr add "$(under_ip6 "$k")/64" dev ul nodad &&
	ip -n "$h" link set ul up &&
	ip link add "p$k" netns "$h" type veth peer name eth0 netns "$e" &&
	ip -n "$h" link set "p$k" up &&
	ip -n "$e" link set eth0 address "$(mac "$k")" mtu 1400 &&
	ip -n "$e" addr add "$(over_ip "$k")/24" dev eth0 &&
	ip -n "$e" addr add "2001:db8:2::$k/64" dev eth0 nodad &&
	ip -n "$e" link set eth0 up || return 1
	start_ovsdb "$k" && start_vswitchd "$k" &&
	vsctl "$k" add-br br0 -- add-port br0 "p$k"
}

# add_hosts N: hosts 1..N, set up side by side (each step is a process
# start, about a second under TCG), and static neighbours between all
# endpoints.
add_hosts() {
	local k j pids=() failed=0
	ip netns add sw &&
	ip -n sw link add br0 type bridge &&
	ip -n sw link set br0 up || return 1
	n_hosts=$1
	for k in $(seq 1 "$1"); do
		add_host "$k" >"$tmp/add_host.$k.log" 2>&1 &
		pids[$k]=$!
	done
	for k in $(seq 1 "$1"); do
		if ! wait "${pids[$k]}"; then
			echo "host $k: setup failed: $(cat "$tmp/add_host.$k.log")"
			failed=1
		fi
	done
	[ "$failed" -eq 0 ] || return 1
	for k in $(seq 1 "$1"); do
		for j in $(seq 1 "$1"); do
			[ "$j" = "$k" ] && continue
			echo "neigh replace $(over_ip "$j") lladdr $(mac "$j") dev eth0"
			echo "neigh replace 2001:db8:2::$j lladdr $(mac "$j") dev eth0"
		done | ip -n "$(ens "$k")" -batch - || return 1
	done
}

# test_hosts N: the usual start of a test: the modules where modprobe
# finds them, openvswitch.ko, hosts 1..N (three checks); ends the test if
# the hosts cannot be set up.
test_hosts() {
	check "vport-mdtun.ko and mdtun.ko installed for modprobe" install_modules
	check "modprobe openvswitch" modprobe openvswitch
	if add_hosts "$1"; then
		pass "hosts 1-$1: ovsdb-server, ovs-vswitchd, br0"
	else
		fail "hosts set up"
		t_done
	fi
}

t_cleanup() {
	local k n
	for k in $(seq 1 "$n_hosts"); do
		stop_daemon "$tmp/$k" ovs-vswitchd
		stop_daemon "$tmp/$k" ovsdb-server
	done
	if [ "$t_fail" -ne 0 ]; then
		for k in $(seq 1 "$n_hosts"); do
			[ -f "$tmp/$k/ovs-vswitchd.log" ] || continue
			echo "---- host $k ovs-vswitchd.log (last 20 lines)"
			tail -n 20 "$tmp/$k/ovs-vswitchd.log"
		done
		echo "---- dmesg (last 20 lines)"
		dmesg | tail -n 20
	fi
	for n in $(ip netns list | awk '{print $1}'); do
		case $n in ovk* | ove* | sw | ovx*)
			ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
			ip netns del "$n" ;;
		esac
	done
	rm -rf "$tmp" "$t_out"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

# ---- Traffic -------------------------------------------------------------------

# ping_ok FROM TO [ADDR]: endpoint FROM pings endpoint TO (or ADDR).  Tries
# a few times: the first packets of a flow go through ovs-vswitchd, which is
# slow under TCG.
ping_ok() {
	local dst=${3:-$(over_ip "$2")} i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if ine "$1" busybox ping -c 1 -W 2 "$dst" >/dev/null 2>&1; then
			ine "$1" busybox ping -c 3 -W 2 "$dst"
			return
		fi
	done
	echo "no reply from $dst after 10 tries"
	return 1
}

# ping_fails FROM TO
ping_fails() {
	ine "$1" busybox ping -c 3 -W 1 "$(over_ip "$2")" >/dev/null 2>&1
	[ $? -eq 1 ]	# no reply, as opposed to no ping
}

# n_packets HOST COOKIE: packet count of the OpenFlow flow with that
# cookie, as OVS has it now; fails (ERROR:) if there is no such flow.
n_packets() {
	ofctl "$1" dump-flows br0 "cookie=$2/-1" |
		awk -v what="host $1 cookie $2" '
		match($0, /n_packets=[0-9]+/) { print substr($0, RSTART + 10, RLENGTH - 10); found = 1; exit }
		END { if (!found) { print "ERROR: n_packets: no flow for " what > "/dev/stderr"; exit 1 } }'
}

# synced_n_packets HOST COOKIE: the count once OVS has pulled the kernel
# datapath's statistics: two completed revalidator dumps after the call
# (the first may have started before the traffic being counted).
synced_n_packets() {
	appctl "$1" revalidator/wait >/dev/null &&
	appctl "$1" revalidator/wait >/dev/null ||
		{ t_error "revalidator/wait failed on host $1"; return 1; }
	n_packets "$1" "$2"
}

# settle HOST: returns once ovs-vswitchd has been through its main loop
# after the OpenFlow changes made so far (a database change without
# --no-wait returns when it has been applied), then drops the datapath
# flows translated before: a flow installed while a new TLV map was not
# yet in the translation tables would otherwise keep its old verdict.
settle() {
	vsctl "$1" set open_vswitch . "external_ids:mdtun-test-settle=$RANDOM" &&
	appctl "$1" revalidator/purge >/dev/null
}

# port_ok HOST IFACE: up, with no error and an OpenFlow port number.
port_ok() {
	local err ofport
	{ read -r err && read -r ofport; } < <(vsctl "$1" get interface "$2" error ofport) ||
		return 1
	[ "$err" = "[]" ] && [ "$ofport" -gt 0 ] 2>/dev/null && return 0
	echo "$2: error=$err ofport=$ofport"
	return 1
}

# port_error NAME HOST IFACE REGEX: down with an error matching REGEX.
port_error() {
	local err ofport
	{ read -r err && read -r ofport; } < <(vsctl "$2" get interface "$3" error ofport)
	if printf '%s\n' "$err" | grep -Eq -- "$4" && [ "$ofport" = "-1" ]; then
		pass "$1"
		echo "      error column: $err"
	else
		fail "$1" "expected error /$4/ and ofport -1" \
			"got error=$err ofport=$ofport"
	fi
}

# vport_get HOST NAME: the datapath's own view of vport NAME, straight
# from openvswitch.ko: "type=N" (1 netdev, 200 mdtun) and its options.
vport_get() { inh "$1" "$PY" "$top/tests/ovs-kernel/vport_nl.py" get "$2"; }

module_loaded() { [ -d "/sys/module/$1" ]; }
module_refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null; }

# ---- Underlay capture -------------------------------------------------------------

# capture_start HOST COUNT [CAPTURE_ARGS...]: capture (tests/lib/capture.py)
# on host HOST's underlay into $tmp/capture.pcap until COUNT datagrams to
# UDP 7081 (or as the arguments say: --src ADDR, --family 4|6, --dport
# PORT); returns once it listens.
capture_start() {
	local host=$1 count=$2
	shift 2
	rm -f "$tmp/capture.pcap" "$tmp/capture.log"
	inh "$host" "$PY" "$TLIB/capture.py" ul "$tmp/capture.pcap" "$count" "$@" \
		>"$tmp/capture.log" 2>&1 &
	capture_pid=$!
	wait_until 30 grep -q '^listening$' "$tmp/capture.log" ||
		echo "capture on host $host did not start: $(cat "$tmp/capture.log")"
}

# capture_wait: waits (up to 20 s) for the capture to end.
capture_wait() {
	wait_until 20 sh -c "! kill -0 $capture_pid"
	kill "$capture_pid" 2>/dev/null
	wait "$capture_pid" 2>/dev/null
}

# capture_lines: the capture's mdtun datagrams, one line each, as the
# kernel tests' independent decoder (tests/lib/mdtun_decode.py) reads them.
capture_lines() {
	capture_wait
	"$PY" "$TLIB/mdtun_decode.py" "$tmp/capture.pcap"
}

# capture_decode FIELD...: waits for the capture to end and prints the
# captured packets' FIELDs, decoded by our Wireshark dissector.
capture_decode() {
	capture_wait
	local args=() f
	for f in "$@"; do args+=(-e "$f"); done
	# The first occurrence of each field: the outer headers' (the inner
	# frame has an IP header too).  tshark's stderr (a warning about
	# running as root) is kept apart.
	tshark -r "$tmp/capture.pcap" -X "lua_script:$top/utilities/wireshark/mdtun.lua" \
		-T fields -E occurrence=f "${args[@]}" 2>"$tmp/tshark.err" ||
		{ t_error "tshark could not read the capture: $(cat "$tmp/tshark.err")"; return 1; }
}
