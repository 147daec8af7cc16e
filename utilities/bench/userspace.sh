#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Packets per second through the OVS userspace datapath (datapath_type=
# netdev, native tunnelling), mdtun next to geneve in the same run (make
# bench; on this machine, no VM: the userspace datapath needs no module).
#
# Two hosts in network namespaces, each with its own ovsdb-server and
# ovs-vswitchd: br0 holds the endpoint's veth port "p", an mdtun port t0 and
# a geneve port g0, both to the other host; brp holds the underlay veth "ul"
# and the host's underlay address.  One flow on host A sends the endpoint's
# packets out of t0 or g0 (switched between runs); host B delivers from
# either.  iperf3 sends 64-byte UDP datagrams as fast as it can; the rate
# is what host B's endpoint received.  REPS interleaved runs, median and
# spread.  Ratios, not absolute numbers, are the result: both tunnels run
# on the same two shared cores.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ovs=$(cd "${OVS_BUILD:-$top/ovs-build}" && pwd) || exit 1
secs=${BENCH_SECONDS:-3}
reps=${BENCH_REPS:-3}
tunnels=${BENCH_TUNNELS:-g0 t0}	# (a subset when debugging)
PATH=$ovs/vswitchd:$ovs/ovsdb:$ovs/utilities:$PATH
export OVS_PKGDATADIR=$ovs
tmp=$(mktemp -d /tmp/mdtun-bench-us.XXXXXX)
. "$top/tests/lib/ovs.sh"	# ovs_start_db, ovs_start_vswitchd
. "$top/utilities/bench/lib.sh"	# bench_stats

nsx() { local n=$1; shift; ip netns exec "$n" "$@"; }
henv() { ovs_env "$tmp/$1"; }
vsctl() { local h=$1; shift; env $(henv "$h") ovs-vsctl --db="unix:$tmp/$h/db.sock" --timeout=30 "$@"; }
ofctl() { local h=$1; shift; env $(henv "$h") ovs-ofctl "$@"; }
appctl() { local h=$1; shift; ovs-appctl --timeout=30 -t "$tmp/$h/ovs-vswitchd.ctl" "$@"; }
die() { echo "bench userspace: $*" >&2; exit 1; }

cleanup() {
	local h
	for h in A B; do
		for d in ovs-vswitchd ovsdb-server; do
			[ -f "$tmp/$h/$d.pid" ] && kill "$(cat "$tmp/$h/$d.pid")" 2>/dev/null
		done
		ip netns pids "bus$h" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns pids "bue$h" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "bus$h" 2>/dev/null
		ip netns del "bue$h" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# host H N: namespace busH (host) and bueH (endpoint 192.0.2.N), daemons,
# bridges.
host() {
	local h=$1 n=$2 peer=198.51.100.$((3 - $2))
	ip netns add "bue$h" &&
	ip -n "bus$h" link set lo up && ip -n "bue$h" link set lo up &&
	ip link add p netns "bus$h" type veth peer name eth0 netns "bue$h" &&
	ip -n "bue$h" addr add "192.0.2.$n/24" dev eth0 &&
	ip -n "bue$h" link set eth0 up mtu 1400 &&
	nsx "bue$h" ethtool -K eth0 tx off >/dev/null &&
	ip -n "bus$h" link set p up || return 1
	ovs_start_db "$tmp/$h" &&
	ovs_start_vswitchd "$tmp/$h" "bus$h" &&
	vsctl "$h" add-br brp -- set bridge brp datapath_type=netdev \
		-- add-port brp ul \
		-- add-br br0 -- set bridge br0 datapath_type=netdev \
		-- add-port br0 p \
		-- add-port br0 t0 -- set interface t0 type=mdtun \
			options:remote_ip="$peer" options:key=42 \
		-- add-port br0 g0 -- set interface g0 type=geneve \
			options:remote_ip="$peer" options:key=42 &&
	ip -n "bus$h" addr add "198.51.100.$n/24" dev brp &&
	ip -n "bus$h" link set brp up &&
	ofctl "$h" add-flows br0 - <<EOF
priority=10,in_port=t0,actions=output:p
priority=10,in_port=g0,actions=output:p
priority=5,in_port=p,actions=output:t0
EOF
}

ip netns add busA && ip netns add busB &&
	ip link add ul netns busA type veth peer name ul netns busB &&
	ip -n busA link set ul up && ip -n busB link set ul up ||
	die "underlay"
host A 1 || die "host A"
host B 2 || die "host B"
# Neighbours: each OVS learns the other's underlay MAC from the ARP that
# its first tunnelled packet triggers; the endpoints know each other.
for h in A B; do
	m=$(nsx "bue$([ $h = A ] && echo B || echo A)" cat /sys/class/net/eth0/address)
	ip -n "bue$h" neigh replace "192.0.2.$([ $h = A ] && echo 2 || echo 1)" lladdr "$m" dev eth0
done
nsx bueB iperf3 -s -D -p 5201 --pidfile "$tmp/iperf3.pid" >/dev/null || die "iperf3 -s"

# tunnel PORT: host A's endpoint traffic (and host B's, for iperf3's TCP
# control connection) goes through PORT from now on.
tunnel() {
	local h
	for h in A B; do
		ofctl "$h" add-flow br0 "priority=5,in_port=p,actions=output:$1" || return 1
		appctl "$h" revalidator/purge >/dev/null
	done
}
# pps: UDP datagrams per second received by host B's endpoint.
pps() {
	nsx bueA timeout $((secs + 20)) iperf3 -c 192.0.2.2 -u -b 0 -l 64 \
		-t "$secs" -J 2>/dev/null | /usr/bin/python3 -c 'import json, sys
try:
    s = json.load(sys.stdin)["end"]["sum"]
    print(int((s["packets"] - s["lost_packets"]) / s["seconds"]))
    print("sent %d/s, lost %.0f%%" % (s["packets"] / s["seconds"], s["lost_percent"]), file=sys.stderr)
except Exception:
    print("ERROR")'
}
# Warm-up (and the neighbour tables): until a short run gets through.
for t in $tunnels; do
	tunnel "$t" || die "flows"
	ok=0
	for i in 1 2 3 4 5; do
		nsx bueA iperf3 -c 192.0.2.2 -u -b 1M -t 1 >/dev/null 2>&1 && { ok=1; break; }
	done
	[ "$ok" = 1 ] || die "no traffic through $t (see $tmp/*/ovs-vswitchd.log)"
done

declare -A res=([g0]="" [t0]="")
for r in $(seq 1 "$reps"); do
	for t in $tunnels; do
		tunnel "$t" || die "flows"
		v=$(pps)
		[ "$v" = ERROR ] && die "iperf3 through $t failed"
		echo "run $r: $t $v packets/s"
		res[$t]="${res[$t]:-} $v"
	done
done
read -r gm glo ghi < <(echo "${res[g0]}" | bench_stats)
read -r mm mlo mhi < <(echo "${res[t0]}" | bench_stats)
ratio=$(awk -v a="$mm" -v b="$gm" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "null" }')
echo
echo "OVS userspace datapath, 64-byte UDP, median of $reps x ${secs} s (min-max):"
printf '  %-8s %9d packets/s (%d-%d)\n' geneve "$gm" "$glo" "$ghi" mdtun "$mm" "$mlo" "$mhi"
echo "  bench: userspace mdtun / geneve    $ratio"
printf 'bench-json {"userspace_pps": {"seconds": %d, "reps": %d, "geneve": {"median": %d, "min": %d, "max": %d}, "mdtun": {"median": %d, "min": %d, "max": %d}, "ratio_mdtun_geneve": %s}}\n' \
	"$secs" "$reps" "$gm" "$glo" "$ghi" "$mm" "$mlo" "$mhi" "$ratio"
