# SPDX-License-Identifier: Apache-2.0
#
# Shared helpers of the kernel tests (tests/kernel/t-*.sh), which run as
# root inside utilities/mdtun-vm.  Each test builds its own hosts as
# network namespaces and tears them down on exit.
#
# Addresses: underlay 198.51.100.0/24 and 2001:db8:1::/64, overlay
# 192.0.2.0/24, 203.0.113.0/24 and 2001:db8:2::/64 (documentation ranges).

set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MDTUN_KO=${MDTUN_KO:-$top/datapath/mdtun.ko}
MDTUN_CTL=${MDTUN_CTL:-$top/utilities/mdtun-ctl/mdtun-ctl}
# scapy lives in Debian's python3, which a pyenv shim on PATH may hide.
PY=/usr/bin/python3
T_NAME=$(basename "$0" .sh)
t_pass=0
t_fail=0

log() { echo "[$T_NAME] $*"; }

# pass NAME [NOTE] / fail NAME DETAIL: record one assertion's verdict as
# the PASS/FAIL line that run.sh counts.
pass() {
	echo "PASS $T_NAME/$1${2:+ ($2)}"
	t_pass=$((t_pass + 1))
}

fail() {
	echo "FAIL $T_NAME/$1 ($2)"
	t_fail=$((t_fail + 1))
}

# check NAME CMD...: one assertion; passes when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "command: $*"; fi
}

# check_not NAME CMD...: passes when CMD fails.
check_not() {
	local name=$1
	shift
	if "$@"; then fail "$name" "unexpectedly succeeded: $*"; else pass "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

# check_match NAME REGEX CMD...: passes when CMD's output matches REGEX.
check_match() {
	local name=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		pass "$name"
	else
		fail "$name" "expected /$re/ in output of: $*; got: $out"
	fi
}

# check_ge NAME MIN ACTUAL
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "expected >= $2, got '$3'"
	fi
}

t_cleanup() {
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns delete "$ns"
	done
}

# t_done: the test's verdict; the runner reads the PASS/FAIL lines.
t_done() {
	t_cleanup
	log "$t_pass passed, $t_fail failed"
	[ "$t_fail" -eq 0 ]
	exit
}

load_mdtun() {
	modprobe -a udp_tunnel ip6_udp_tunnel || return 1
	if ! grep -q '^mdtun ' /proc/modules; then
		insmod "$MDTUN_KO" || return 1
	fi
}

# mkhosts N: hosts h1..hN.  Two hosts get a veth pair; more share a bridge
# in namespace "sw".  Host K's underlay is 198.51.100.K, 2001:db8:1::K.
mkhosts() {
	local n=$1 k
	for k in $(seq 1 "$n"); do
		ip netns add "h$k"
		ip -n "h$k" link set lo up
	done
	if [ "$n" -eq 2 ]; then
		ip link add ul netns h1 type veth peer name ul netns h2
	else
		ip netns add sw
		ip -n sw link add br0 type bridge
		ip -n sw link set br0 up
		for k in $(seq 1 "$n"); do
			ip link add ul netns "h$k" type veth peer name "p$k" netns sw
			ip -n sw link set "p$k" master br0 up
		done
	fi
	for k in $(seq 1 "$n"); do
		ip -n "h$k" addr add "198.51.100.$k/24" dev ul
		ip -n "h$k" addr add "2001:db8:1::$k/64" dev ul nodad
		ip -n "h$k" link set ul up
	done
}

# on HOST CMD...: run CMD in host HOST's namespace.
on() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

ctl() {
	local ns=$1
	shift
	ip netns exec "$ns" "$MDTUN_CTL" "$@"
}

# stat HOST DEV COUNTER: one counter of mdtun-ctl stats, 0 if absent.
stat() {
	ctl "$1" stats "$2" --json |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$3"
}

# ping_ok HOST ADDR [COUNT]
ping_ok() {
	on "$1" busybox ping -q -c "${3:-3}" -W 2 "$2" >/dev/null 2>&1
}

# overlay HOST DEV ADDR4/LEN [ADDR6/LEN]: bring DEV up with addresses.
overlay() {
	on "$1" ip addr add "$3" dev "$2"
	[ -n "${4:-}" ] && on "$1" ip addr add "$4" dev "$2" nodad
	on "$1" ip link set "$2" up
}

# dmesg_clean: no kernel warning so far (mdtun-vm checks again at the end).
dmesg_clean() {
	! dmesg | grep -E -q 'WARNING:|BUG:|Oops|general protection|Call Trace'
}

trap t_cleanup EXIT

# ---- Underlay capture --------------------------------------------------------

# capture_start HOST COUNT [FILTER]: dumpcap on HOST's underlay "ul" until
# COUNT packets matching FILTER (default: UDP to 7081) or capture_stop;
# returns once it listens.  (dumpcap, not tshark: tshark loads all its
# dissectors first, about 10 s under TCG.)
capture_start() {
	cap_file=$(mktemp /tmp/mdtun-cap.XXXXXX)
	on "$1" dumpcap -q -P -i ul -f "${3:-udp dst port 7081}" -c "$2" \
		-w "$cap_file.pcap" >"$cap_file.log" 2>&1 &
	cap_pid=$!
	local i=0
	while ! grep -q 'Capturing on' "$cap_file.log" && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	# dumpcap says so a moment before its filter is in place.
	sleep 0.5
}

# capture_stop: waits up to 10 s for the capture to end, then prints its
# mdtun datagrams decoded by mdtun_decode.py (one line each).
capture_stop() {
	local i=0
	while kill -0 "$cap_pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	"$PY" "$top/tests/kernel/mdtun_decode.py" "$cap_file.pcap" "${1:-7081}" 2>&1
	rm -f "$cap_file" "$cap_file.pcap" "$cap_file.log"
}

# tc_hits HOST DEV DIR PRIO: packets that the filter of that priority on
# DEV's DIR (ingress/egress) hook matched, from its action's "Sent N bytes
# M pkt" (tc's JSON output is incomplete for some classifiers).
tc_hits() {
	on "$1" tc -s filter show dev "$2" "$3" prio "$4" |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { print $4; exit }'
}

# set_gro HOST DEV on|off / set_tso HOST DEV on|off: GRO or TSO on a device
# (no ethtool binary in the VM; the legacy ETHTOOL_SGRO and ETHTOOL_STSO
# ioctls do it).
set_offload() {
	on "$1" "$PY" -c 'import ctypes, fcntl, socket, struct, sys
val = ctypes.create_string_buffer(struct.pack("II", int(sys.argv[3], 0), sys.argv[2] == "on"))
ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(val)) + bytes(16)
fcntl.ioctl(socket.socket(), 0x8946, ifr)' "$2" "$3" "$4"
}
set_gro() { set_offload "$1" "$2" "$3" 0x2c; }
set_tso() { set_offload "$1" "$2" "$3" 0x1f; }

# quiet DEV...: no IPv6 (autoconfiguration, MLD) on overlay devices, so that
# only the test's own packets cross and counters are exact.
quiet() {
	local h=$1 d
	shift
	for d in "$@"; do
		on "$h" sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
	done
}
