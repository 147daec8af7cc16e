#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Lifecycle of OVS mdtun ports on the kernel datapath under traffic.  Two
# hosts (see lib.sh) with a port t0 each (fixed remote) that carries pings
# between their endpoints all along.
#
# Checks:
#   (a) 100 add/delete cycles of another mdtun port on host 1 (on a UDP
#       port of its own: each transaction adds one and deletes the one the
#       previous transaction added) while t0 carries pings: every
#       transaction applied without error, the datapath holds
#       exactly the expected vports at samples along the way, none and no
#       device is left over, vport-mdtun.ko's reference count is back to
#       one per vport, and the pings went on;
#   (b) ovs-vswitchd killed with -9 and restarted under traffic (with a
#       change of t0's options made while it was down): traffic resumes,
#       the datapath has exactly its ports again, one vport and one device
#       for t0 (nothing duplicated or leaked), and the device has the
#       options changed meanwhile;
#   (c) once every port is gone, the modules' reference counts are 0 and
#       both vport_mdtun and mdtun unload.
. "$(dirname "$0")/lib.sh"

test_hosts 2

# t0 on host H, and flows that take everything from pH to t0 and back.
setup_t0() {
	local h=$1
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		"options:remote_ip=$(under_ip $((3 - h)))" &&
	ofctl "$h" del-flows br0 &&
	ofctl "$h" add-flows br0 - <<-EOF &&
		priority=10,in_port=p$h,actions=output:t0
		priority=10,in_port=t0,actions=output:p$h
	EOF
	settle "$h"
}
for h in 1 2; do
	check "host $h: t0 (remote_ip=$(under_ip $((3 - h)))) and flows" setup_t0 "$h"
done
check_match "a ping crosses" ' 0% packet loss' ping_ok 1 2

# bg_ping_start / bg_ping_stop: endpoint 1 pings endpoint 2 five times a
# second in the background; bg_ping_stop prints "TRANSMITTED RECEIVED".
bg_ping_start() {
	ip netns exec "$(ens 1)" busybox ping -i 0.2 -W 2 192.0.2.2 \
		>"$tmp/bg-ping.log" 2>&1 &
	bg_pid=$!
}
bg_ping_stop() {
	kill -INT "$bg_pid" 2>/dev/null
	wait "$bg_pid" 2>/dev/null
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) packets received.*/\1 \2/p' \
		"$tmp/bg-ping.log"
}
# mostly_answered MIN_SENT "TRANSMITTED RECEIVED": at least MIN_SENT sent
# and at least 95% of them answered.
mostly_answered() {
	set -- "$1" $2
	[ -n "${3:-}" ] && [ "$2" -ge "$1" ] && [ $(($3 * 100)) -ge $(($2 * 95)) ]
}
# dp_ports HOST: the datapath's port names, sorted, on one line.
dp_ports() {
	dpctl "$1" show | sed -n 's/^ *port [0-9]*: \([^ ]*\).*/\1/p' | sort | tr '\n' ' ' |
		sed 's/ $//'
}
# mdtun_devs HOST: the mdtun links in host HOST's namespace, sorted.
mdtun_devs() {
	inh "$1" ip -d -o link show type mdtun | awk -F': ' '{ print $2 }' | sort |
		tr '\n' ' ' | sed 's/ $//'
}
refcnt_is() { [ "$(module_refcnt "$1")" = "$2" ]; }

# ---- (a) 100 add/delete cycles under traffic --------------------------------------
echo "$T_NAME: (a) 100 add/delete cycles under traffic, at $SECONDS s"

# Transaction I (1..101) adds port c(I % 2) on UDP port 7082 + I % 2
# (I <= 100) and deletes the one the previous transaction added: 100
# ports each added and deleted, each a vport and a device of its own made
# and destroyed.
cycle_txn() {
	local i=$1 args=() c=c$(($1 % 2))
	[ "$i" -gt 1 ] && args+=(-- del-port br0 "c$(((i - 1) % 2))")
	[ "$i" -le 100 ] && args+=(-- add-port br0 "$c" -- set interface "$c" \
		type=mdtun options:remote_ip=198.51.100.2 "options:dst_port=$((7082 + i % 2))")
	vsctl 1 "${args[@]}"
}
# expected_dp I: host 1's datapath ports after transaction I.
expected_dp() {
	local vports="mdtun_sys_7081"
	[ "$1" -le 100 ] && vports="$vports mdtun_sys_$((7082 + $1 % 2))"
	echo "br0 $vports ovs-system p1" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'
}

bg_ping_start
t_start=$SECONDS
applied=0
bad_samples=""
for i in $(seq 1 101); do
	cycle_txn "$i" >/dev/null 2>&1 && applied=$((applied + 1))
	if [ $((i % 10)) -eq 5 ] || [ "$i" -eq 101 ]; then
		got=$(dp_ports 1)
		[ "$got" = "$(expected_dp "$i")" ] || bad_samples="$bad_samples [$i: $got]"
	fi
done
cycle_time=$((SECONDS - t_start))
answered=$(bg_ping_stop)
echo "$T_NAME: 100 add/delete cycles in 101 transactions, $cycle_time s; pings sent/answered meanwhile: $answered"
check_eq "all 101 transactions applied without error" 101 "$applied"
check_eq "the datapath held exactly the expected ports at 11 samples" "" "$bad_samples"
check_eq "  at the end: host 1's datapath ports" "br0 mdtun_sys_7081 ovs-system p1" "$(dp_ports 1)"
check_eq "  and no mdtun device but t0's is left" "mdtun_sys_7081" "$(mdtun_devs 1)"
check_eq "  vport-mdtun.ko references: one per vport (t0 on each host)" 2 \
	"$(module_refcnt vport_mdtun)"
check "  t0 up on host 1 all along (never reconfigured away)" port_ok 1 t0
check "pings went on during the cycles (>= 95% of >= 50 answered)" \
	mostly_answered 50 "$answered"

# ---- (b) ovs-vswitchd killed with -9 under traffic, and restarted --------------------
echo "$T_NAME: (b) kill -9 and restart, at $SECONDS s"

bg_ping_start
check_match "traffic before the kill" ' 0% packet loss' ping_ok 1 2
old_pid=$(cat "$tmp/1/ovs-vswitchd.pid")
check "host 1: kill -9 ovs-vswitchd" kill -9 "$old_pid"
check_within "  it is gone" 10 sh -c "! kill -0 $old_pid 2>/dev/null"
check "while it is down: t0 carry=mark trusted_remotes=198.51.100.2/32 in the database" \
	vsctl 1 --no-wait set interface t0 options:carry=mark \
	options:trusted_remotes=198.51.100.2/32
replies_before=$(grep -c 'bytes from' "$tmp/bg-ping.log")
if start_vswitchd 1; then pass "host 1: ovs-vswitchd restarts"; else fail "host 1: ovs-vswitchd restarts"; fi
check "  and applies the database" \
	vsctl 1 set open_vswitch . external_ids:mdtun-test=restarted
check "  t0 up" port_ok 1 t0
check_match "traffic resumes" ' 0% packet loss' ping_ok 1 2
replies_after=$(grep -c 'bytes from' "$tmp/bg-ping.log")
answered=$(bg_ping_stop)
echo "$T_NAME: pings sent/answered across the kill and restart: $answered"
check_ge "  the background pings are answered again after the restart" \
	$((replies_before + 1)) "$replies_after"
check_eq "host 1's datapath has exactly its ports" "br0 mdtun_sys_7081 ovs-system p1" "$(dp_ports 1)"
check_eq "  one mdtun device" "mdtun_sys_7081" "$(mdtun_devs 1)"
check_eq "  vport-mdtun.ko references: still 2" 2 "$(module_refcnt vport_mdtun)"
check_eq "  mdtun/show lists t0 once" 1 "$(appctl 1 mdtun/show | grep -c '^t0:$')"
# (The restarted ovs-vswitchd deletes the datapath's tunnel vports it
# finds and makes them again, as for every tunnel type.)
check_eventually_eq "the device has the options set while ovs-vswitchd was down" 30 \
	"type=200 dst_port=7081 carry=0x1 trust=198.51.100.2/32" vport_get 1 mdtun_sys_7081

# ---- (c) All ports gone: the modules unload --------------------------------------
echo "$T_NAME: (c) All ports gone: the modules unload, at $SECONDS s"

del_t0s() { vsctl 1 del-port br0 t0 && vsctl 2 del-port br0 t0; }
check "deleting t0 on both hosts" del_t0s
check_eq "  no mdtun device left" "" "$(mdtun_devs 1)$(mdtun_devs 2)"
check_within "vport-mdtun.ko's reference count drops to 0" 60 refcnt_is vport_mdtun 0
check "rmmod vport_mdtun" rmmod vport_mdtun
# (vport-mdtun.ko held one reference on mdtun.ko, for its symbols.)
check_within "mdtun.ko's reference count is 0 then" 60 refcnt_is mdtun 0
check "rmmod mdtun" rmmod mdtun
check "neither module is loaded" sh -c '! [ -d /sys/module/vport_mdtun ] && ! [ -d /sys/module/mdtun ]'
check "no kernel warnings" sh -c "! dmesg | grep -E 'WARNING:|BUG:|Oops'"
t_done
