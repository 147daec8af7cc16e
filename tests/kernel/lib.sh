# SPDX-License-Identifier: Apache-2.0
#
# Shared helpers of the kernel tests (tests/kernel/t-*.sh), which run as
# root inside utilities/mdtun-vm.  Each test builds its own hosts as
# network namespaces and tears them down on exit.  The checks themselves
# are tests/lib/checks.sh.
#
# Addresses: underlay 198.51.100.0/24 and 2001:db8:1::/64, overlay
# 192.0.2.0/24, 203.0.113.0/24 and 2001:db8:2::/64 (documentation ranges).

set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tests/lib/checks.sh"

if [ "$(id -u)" != 0 ] || [ "${MDTUN_VM:-}" != 1 ]; then
	echo "$T_NAME: run inside the test VM: make check-kernel KTESTS=$T_NAME"
	exit 2
fi

MDTUN_KO=${MDTUN_KO:-$top/datapath/mdtun.ko}
MDTUN_CTL=${MDTUN_CTL:-$top/utilities/mdtun-ctl/mdtun-ctl}
# Debian's python3, which a pyenv shim on PATH may hide.
PY=/usr/bin/python3
TLIB=$top/tests/lib

log() { echo "[$T_NAME] $*"; }

t_cleanup() {
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns delete "$ns"
	done
	rm -f "$t_out"
}
trap t_cleanup EXIT

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

# stat HOST DEV COUNTER: one counter of `mdtun-ctl stats DEV` (link or
# driver counter).  Prints nothing and fails if the device or the counter
# does not exist: a renamed counter must not read as 0.
# (awk on the text form: a Python start per read costs ~0.3 s under TCG.)
stat() {
	ctl "$1" stats "$2" | awk -v c="$3:" -v what="$3 on $1/$2" '
		$1 == c { print $2; found = 1 }
		END { if (!found) { print "ERROR: stat: no counter " what > "/dev/stderr"; exit 1 } }'
}

# stat_ge HOST DEV COUNTER MIN: the counter has reached MIN (for polling).
stat_ge() {
	local v
	v=$(stat "$1" "$2" "$3") && [ "$v" -ge "$4" ]
}

# ns_stat HOST COUNTER: one counter of HOST's /proc/net/mdtun (drops no
# device could be charged with); fails if there is no such line.
ns_stat() {
	on "$1" awk -v n="$2" '$1 == n { print $2; found = 1 }
		END { if (!found) { print "ERROR: ns_stat: no counter " n > "/dev/stderr"; exit 1 } }' \
		/proc/net/mdtun
}

# link_stat HOST DEV COUNTER: a standard interface counter from sysfs.
link_stat() {
	on "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null ||
		{ t_error "link_stat: no $3 for $2 on $1"; return 1; }
}

# ping_ok HOST ADDR [COUNT]
ping_ok() {
	on "$1" busybox ping -q -c "${3:-3}" -W 2 "$2" >/dev/null 2>&1
}

# send_pings HOST ADDR COUNT: COUNT echo requests, 0.1 s apart, whatever
# happens to the replies (for one-way paths); never fails.
send_pings() {
	on "$1" busybox ping -q -c "$3" -i 0.1 -W 1 "$2" >/dev/null 2>&1
	return 0
}

# flood HOST ADDR SECONDS: in the background (its pid in $!), echo requests
# to ADDR for SECONDS, each sent as soon as the last reply came (busybox
# ping has no -f).
flood() {
	on "$1" busybox ping -q -A -w "$3" "$2" >/dev/null 2>&1 &
}

# flowing HOST DEV: DEV's tx_packets grows within 5 s.
flowing() {
	local before
	before=$(link_stat "$1" "$2" tx_packets) || return 1
	wait_until 5 sh -c "[ \$(ip netns exec $1 cat /sys/class/net/$2/statistics/tx_packets) -gt $before ]"
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

# quiet DEV...: no IPv6 (autoconfiguration, MLD) on overlay devices, so that
# only the test's own packets cross and counters are exact.
quiet() {
	local h=$1 d
	shift
	for d in "$@"; do
		on "$h" sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
	done
}

# listening HOST PROTO PORT: a socket of PROTO (tcp, udp) listens on PORT.
listening() {
	local opt=-Hltn
	[ "$2" = udp ] && opt=-Hlun
	on "$1" ss "$opt" "sport = :$3" | grep -q ":$3"
}

# tcp_bps SERVER_HOST CLIENT_HOST ADDR PORT SECONDS [IPERF_ARGS...]: TCP
# throughput in bit/s from CLIENT_HOST to ADDR, with a one-shot iperf3
# server in SERVER_HOST; prints nothing and fails if it did not run.
tcp_bps() {
	local srv=$1 cli=$2 addr=$3 port=$4 secs=$5
	shift 5
	on "$srv" iperf3 -s -1 -D -p "$port" || return 1
	wait_until 20 listening "$srv" tcp "$port" || return 1
	on "$cli" timeout 60 iperf3 -c "$addr" -p "$port" -t "$secs" -J "$@" |
		"$PY" -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'
}

# ---- Underlay capture and counting -------------------------------------------

# capture_start HOST COUNT [CAPTURE_ARGS...]: capture (tests/lib/capture.py)
# on HOST's underlay "ul" until COUNT datagrams to UDP 7081 (or as the
# arguments say: --src ADDR, --family 4|6, --dport PORT) or capture_stop;
# returns once it listens.
capture_start() {
	local host=$1 count=$2
	shift 2
	cap_file=$(mktemp /tmp/mdtun-cap.XXXXXX)
	on "$host" "$PY" "$TLIB/capture.py" ul "$cap_file.pcap" "$count" "$@" \
		>"$cap_file.log" 2>&1 &
	cap_pid=$!
	wait_until 30 grep -q '^listening$' "$cap_file.log" ||
		log "capture on $host did not start: $(cat "$cap_file.log")"
}

# capture_stop [PORT]: waits up to 10 s for the capture to end, then prints
# its mdtun datagrams decoded by tests/lib/mdtun_decode.py (one line each).
capture_stop() {
	wait_until 10 sh -c "! kill -0 $cap_pid"
	kill "$cap_pid" 2>/dev/null
	wait "$cap_pid" 2>/dev/null
	"$PY" "$TLIB/mdtun_decode.py" "$cap_file.pcap" "${1:-7081}"
	rm -f "$cap_file" "$cap_file.pcap" "$cap_file.log"
}

# wire_count HOST: from now on, count the UDP datagrams to port 7081 that
# leave HOST's underlay (tc on "ul" egress, IPv4 and IPv6); wire_sent HOST
# prints the number so far.  Shows "nothing was sent" on the wire itself.
wire_count() {
	on "$1" tc qdisc replace dev ul clsact &&
	on "$1" tc filter replace dev ul egress prio 90 protocol ip flower \
		ip_proto udp dst_port 7081 action pass &&
	on "$1" tc filter replace dev ul egress prio 91 protocol ipv6 flower \
		ip_proto udp dst_port 7081 action pass
}

wire_sent() {
	local v4 v6
	v4=$(tc_hits "$1" ul egress 90) && v6=$(tc_hits "$1" ul egress 91) &&
		echo $((v4 + v6))
}

# tc_hits HOST DEV DIR PRIO: packets that the filter of that priority on
# DEV's DIR (ingress/egress) hook matched, from its action's "Sent N bytes
# M pkt" (tc's JSON output is incomplete for some classifiers); nothing
# and failure if there is no such filter.
tc_hits() {
	on "$1" tc -s filter show dev "$2" "$3" prio "$4" |
		awk -v what="$*" '/Sent [0-9]+ bytes [0-9]+ pkt/ { print $4; found = 1; exit }
		     END { if (!found) { print "ERROR: tc_hits: no filter " what > "/dev/stderr"; exit 1 } }'
}

# set_gro HOST DEV on|off / set_tso HOST DEV on|off: GRO or TSO on a device
# (the legacy ETHTOOL_SGRO and ETHTOOL_STSO ioctls).
set_offload() {
	on "$1" "$PY" -c 'import ctypes, fcntl, socket, struct, sys
val = ctypes.create_string_buffer(struct.pack("II", int(sys.argv[3], 0), sys.argv[2] == "on"))
ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(val)) + bytes(16)
fcntl.ioctl(socket.socket(), 0x8946, ifr)' "$2" "$3" "$4"
}
set_gro() { set_offload "$1" "$2" "$3" 0x2c; }
set_tso() { set_offload "$1" "$2" "$3" 0x1f; }
