#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# mdtun ports on one UDP port share one kernel device (the datapath port
# mdtun_sys_PORT), which has one carry set and one trust list.  So ports on
# one UDP port must agree on carry and trusted_remotes: a port that differs
# from one already in service there is refused with the reason in its
# Interface "error" column, as OVS refuses a VXLAN-GBP port on the UDP port
# of a plain VXLAN one; ports that agree (after canonicalization) are fine;
# other UDP ports are independent.  Userspace datapath (see lib.sh): the
# rule is the plugin's, whatever the datapath; tests/ovs-kernel/t-carry
# checks that the kernel device then keeps the first port's values.
. "$(dirname "$0")/lib.sh"

start_daemons

# add NAME OPTION...: an mdtun port with its own remote.
add() {
	local name=$1
	shift
	vsctl add-port br0 "$name" -- set interface "$name" type=mdtun \
		"options:remote_ip=192.0.2.$((10 + ${name#s}))" "$@"
}
# shared_error PORT THIS OTHER OTHER_VALUES: the error text for PORT (with
# carry/trusted_remotes THIS) refused because of port OTHER on UDP 7081.
shared_error() {
	echo "$1: carry, in_port_reg and trusted_remotes must be the same on all mdtun ports with UDP port 7081 (they share the kernel device mdtun_sys_7081): this port has $2, port $3 has $4"
}
ofport() { vsctl get interface "$1" ofport; }

check "s0: UDP 7081, carry=mark, trusted_remotes=198.51.100.0/24" \
	add s0 options:carry=mark options:trusted_remotes=198.51.100.0/24
check "  s0 up" port_ok s0
s0_ofport=$(ofport s0)
check "s1: the same values written otherwise (198.51.100.77/24, mark,mark)" \
	add s1 'options:carry="mark,mark"' options:trusted_remotes=198.51.100.77/24
check "  s1 up beside s0" port_ok s1
add s2 options:carry=priority >/dev/null 2>&1
port_refused "s2: carry=priority on 7081 is refused" s2 \
	"$(shared_error s2 "carry=priority trusted_remotes=none" s0 "carry=mark trusted_remotes=198.51.100.0/24")"
add s3 options:carry=mark options:trusted_remotes=198.51.100.0/25 >/dev/null 2>&1
port_refused "s3: another trust list on 7081 is refused" s3 \
	"$(shared_error s3 "carry=mark trusted_remotes=198.51.100.0/25" s0 "carry=mark trusted_remotes=198.51.100.0/24")"
check "s4: carry=priority on UDP 7082 is fine" add s4 options:carry=priority options:dst_port=7082
check "  s4 up" port_ok s4

# A running port changed into a conflict is refused too; the port it
# conflicts with stays as it was.
vsctl set interface s1 options:carry=priority >/dev/null 2>&1
port_refused "s1 changed to carry=priority: refused, down" s1 \
	"$(shared_error s1 "carry=priority trusted_remotes=198.51.100.0/24" s0 "carry=mark trusted_remotes=198.51.100.0/24")"
check_eq "  s0 untouched (same OpenFlow port)" "$s0_ofport" "$(ofport s0)"
check "  s0 up" port_ok s0
check_eq "mdtun/show lists only the ports in service" "s0: s4:" \
	"$(appctl mdtun/show | grep -E '^[a-z0-9]+:$' | tr '\n' ' ' | sed 's/ $//')"

# s0 moves to carry=priority: in the same reconfiguration s1 (priority,
# the same trust) comes up; s2 and s3 still differ.
check "s0 changed to carry=priority" vsctl set interface s0 options:carry=priority
check "  s0 up, same OpenFlow port" sh -c "[ \"\$(ovs-vsctl --db='$DB' get interface s0 ofport)\" = '$s0_ofport' ]"
check "  s1 up with it (now the same values)" port_ok s1
port_refused "  s2 still refused (no trust)" s2 \
	"$(shared_error s2 "carry=priority trusted_remotes=none" s0 "carry=priority trusted_remotes=198.51.100.0/24")"
port_refused "  s3 still refused (carry, /25)" s3 \
	"$(shared_error s3 "carry=mark trusted_remotes=198.51.100.0/25" s0 "carry=priority trusted_remotes=198.51.100.0/24")"

# Once the ports it differs from are gone, a refused port comes up at the
# next reconfiguration (as a refused VXLAN-GBP port does).
check "deleting s3, then s0 and s1" sh -c \
	"ovs-vsctl --db='$DB' --timeout=20 del-port s3 && ovs-vsctl --db='$DB' --timeout=20 del-port s0 -- del-port s1"
check "  and one more change of the database" \
	vsctl set open_vswitch . external_ids:mdtun-test=after-delete
check "  s2 (carry=priority, no trust) is up now" port_ok s2
check "s5 with s2's values on 7081 is fine" add s5 options:carry=priority
check "  s5 up" port_ok s5
check "s4 on 7082 was never affected" port_ok s4

# All the ports of a UDP port changed in one transaction: the first one
# OVS reconfigures differs from the others (still old) and is refused,
# which takes it out of service (OVS still holds its old configuration
# for a moment: it must not count); the others are changed; the refused
# one is retried in the same reconfiguration and comes up.
check "s2 and s5 both to carry=mark in one transaction" \
	vsctl set interface s2 options:carry=mark -- set interface s5 options:carry=mark
check "  s2 up" port_ok s2
check "  s5 up" port_ok s5
check_eq "  both with carry=mark (dpif/show)" 2 \
	"$(appctl dpif/show | grep -cE '^[[:space:]]+s[25] .*\(mdtun: carry=mark, ')"

t_done
