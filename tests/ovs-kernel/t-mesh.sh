#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Scale smoke test: a mesh of 8 hosts (see lib.sh) in one VM, each with its
# own ovsdb-server and ovs-vswitchd on the kernel datapath and one mdtun
# port t0 with remote_ip=flow.  Every host has a flow per destination that
# sets tun_dst from the destination MAC, and a flow per source that
# delivers what arrives from that source (matching tun_src).  Each host
# pings two others; then every host's per-source counters must show
# traffic from exactly the hosts that pinged it (and their replies) and
# none from the others: 8 tunnels' metadata kept apart, no packet lost
# to a wrong remote.
. "$(dirname "$0")/lib.sh"

N=8
# The hosts that host H pings.
targets() { echo "$(($1 % N + 1)) $((($1 + 2) % N + 1))"; }

check "vport-mdtun.ko and mdtun.ko installed for modprobe" install_modules
check "modprobe openvswitch" modprobe openvswitch
t0=$(date +%s)
if add_hosts $N; then
	pass "$N hosts: ovsdb-server, ovs-vswitchd, br0 ($(($(date +%s) - t0)) s)"
else
	fail "hosts set up"
	t_done
fi

# The flows of host H, one per line (one ovs-ofctl for all: each process
# start costs about a second under TCG).
mesh_flow_lines() {
	local h=$1 j
	echo "cookie=0x40,priority=5,in_port=t0,actions=drop"
	for j in $(seq 1 $N); do
		[ "$j" = "$h" ] && continue
		echo "cookie=0x1$j,priority=10,in_port=p$h,dl_dst=$(mac "$j"),actions=set_field:$(under_ip "$j")->tun_dst,output:t0"
		echo "cookie=0x3$j,priority=10,in_port=t0,tun_src=$(under_ip "$j"),dl_src=$(mac "$j"),actions=output:p$h"
	done
}
mesh_flows() {
	local h=$1
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow &&
	ofctl "$h" del-flows br0 &&
	mesh_flow_lines "$h" | ofctl "$h" add-flows br0 - &&
	[ "$(ofctl "$h" dump-flows br0 | grep -c 'cookie=')" -eq $((2 * N - 1)) ]
}
echo "$T_NAME: ports and flows, at $SECONDS s"
t0=$(date +%s)
ok=0
for h in $(seq 1 $N); do
	if mesh_flows "$h" && port_ok "$h" t0 >/dev/null; then ok=$((ok + 1)); fi
done
check_eq "t0 and 15 flows on every host ($(($(date +%s) - t0)) s)" $N $ok
n=$(for h in $(seq 1 $N); do dpctl "$h" show 2>/dev/null; done | grep -c 'mdtun_sys_7081')
check_eq "one mdtun vport in each of the $N datapaths" $N "$n"

echo "$T_NAME: pings, at $SECONDS s"
t0=$(date +%s)
for h in $(seq 1 $N); do
	for j in $(targets "$h"); do
		check_match "$h -> $j" ' 0% packet loss' ping_ok "$h" "$j"
	done
done
log_t=$(($(date +%s) - t0))
echo "$T_NAME: $((2 * N)) pings in $log_t s"

echo "$T_NAME: counters, at $SECONDS s"
# Host J delivered packets from host H iff H pinged J or J pinged H.
talks() { local t; for t in $(targets "$1"); do [ "$t" = "$2" ] && return 0; done; return 1; }
wrong=""
missing=""
unread=""
for j in $(seq 1 $N); do
	# Counts once host J's OVS has pulled its datapath's statistics.
	appctl "$j" revalidator/wait >/dev/null
	appctl "$j" revalidator/wait >/dev/null
	for h in $(seq 1 $N); do
		[ "$h" = "$j" ] && continue
		if ! n=$(n_packets "$j" "0x3$h"); then
			unread="$unread $h->$j"
		elif talks "$h" "$j" || talks "$j" "$h"; then
			[ "$n" -gt 0 ] || missing="$missing $h->$j"
		else
			[ "$n" -eq 0 ] || wrong="$wrong $h->$j($n)"
		fi
	done
	n=$(n_packets "$j" 0x40) || unread="$unread drop@$j"
	[ "${n:-x}" = 0 ] || wrong="$wrong drop@$j($n)"
done
check_eq "every flow counter could be read" "" "$unread"
check_eq "every host delivered traffic from each of its peers" "" "$missing"
check_eq "no host received traffic meant for another (or dropped any)" "" "$wrong"
check "no kernel warnings" sh -c "! dmesg | grep -E 'WARNING:|BUG:|Oops'"
t_done
