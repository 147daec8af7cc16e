#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# carry and trusted_remotes of OVS mdtun ports on the kernel datapath,
# end to end, while the ports run.  Two hosts (see lib.sh), each with an
# mdtun port t0 (fixed remote); host 1's flow sets the packet mark of the
# ICMP packets it sends to host 2; host 2 delivers them through one of
# three flows: pkt_mark=0x55 (the mark restored, cookie 0x21),
# pkt_mark=0x77 (cookie 0x22), or any mark (the control, cookie 0x23).
#
# Checks:
#   (a) the vport reports the device's live carry set and trust list
#       (vport_nl.py get, from openvswitch.ko) and dpif/show the configured
#       ones, after each change of a running port;
#   (b) the mark is restored from a trusted sender; once trusted_remotes is
#       removed it is not (the pkt_mark flow stops matching, the control
#       flow counts the packets, and so does rx_carry_untrusted);
#   (c) carry=mark with egress_pkt_mark: the mark on the wire, and the one
#       restored, is egress_pkt_mark's (vswitchd-plugin/README.md);
#   (d) priority carry: set_queue:5 gives skb_priority 0x10006 (OVS's
#       queue-to-priority mapping for the Linux datapath), which crosses
#       the tunnel and is restored (OVS cannot match skb_priority in
#       OpenFlow: a tc filter on host 2's port towards its endpoint matches
#       it, and rx_priority_restored counts it);
#   (e) the kernel device is updated only when the ports' desired state
#       changes, not at every reconfiguration;
#   (f) two ports on one UDP port with other carry values: the later one is
#       refused, the device keeps the first's values; the same values are
#       fine;
#   (g) key above 24 bits refused on this datapath too;
#   (h) a device that is not an mdtun link under the datapath port's name:
#       a clean refusal, the plugin reports it, nothing crashes.
. "$(dirname "$0")/lib.sh"

test_hosts 2

DEV=mdtun_sys_7081
# vport HOST: openvswitch.ko's view of the mdtun vport (type and options).
vport() { vport_get "$1" "$DEV"; }
# now_has HOST: how many times host HOST's ovs-vswitchd has updated a
# kernel device so far (the plugin logs each update).
now_has() { grep -c 'kernel device mdtun_sys_[0-9]* now has' "$tmp/$1/ovs-vswitchd.log"; }
# updated HOST N: host HOST has logged N device updates.
updated() { [ "$(now_has "$1")" -ge "$2" ]; }
# dev_stats HOST COUNTER...: counters of host HOST's mdtun device, on one
# line; fails (ERROR:) when the driver does not report one of them.
dev_stats() {
	local h=$1
	shift
	inh "$h" mdtun-ctl stats "$DEV" | awk -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		{ sub(":$", "", $1); v[$1] = $2 }
		END {
			for (i = 1; i <= n; i++) {
				if (!(w[i] in v)) { print "ERROR: dev_stats: no counter " w[i] > "/dev/stderr"; exit 1 }
				printf "%s%s", v[w[i]], (i < n ? " " : "\n")
			}
		}'
}
# ping3: three echo requests from endpoint 1 to endpoint 2, all answered.
ping3() { ine 1 busybox ping -c 3 -i 0.2 -W 10 192.0.2.2; }
# warm: one ping that waits for its answer (the first packets of new
# datapath flows go through ovs-vswitchd, slowly under TCG), so that no
# packet of it is still on its way when the next one is counted.
warm() {
	local i
	for i in 1 2 3; do
		ine 1 busybox ping -c 1 -W 10 192.0.2.2 >/dev/null 2>&1 && return 0
	done
	return 1
}
# sync_vswitchd HOST: two database changes applied one after the other:
# ovs-vswitchd has been through its main loop (and the plugin's run
# callback) after the first one.
sync_vswitchd() {
	vsctl "$1" set open_vswitch . "external_ids:mdtun-sync=a$RANDOM" &&
	vsctl "$1" set open_vswitch . "external_ids:mdtun-sync=b$RANDOM"
}

# host1_flow ACTIONS: host 1's flow for ICMP to host 2 (cookie 0x10).
host1_flow() {
	ofctl 1 mod-flows br0 "cookie=0x10/-1,in_port=p1,icmp,actions=$1,output:t0" &&
	appctl 1 revalidator/purge >/dev/null
}
setup() {
	vsctl 1 add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=198.51.100.2 options:carry=mark &&
	vsctl 2 add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=198.51.100.1 options:carry=mark \
		options:trusted_remotes=198.51.100.0/24 &&
	ofctl 1 del-flows br0 &&
	ofctl 1 add-flows br0 - <<-EOF &&
		cookie=0x10,priority=10,in_port=p1,icmp,actions=set_field:0x55->pkt_mark,output:t0
		cookie=0x11,priority=10,in_port=t0,icmp,actions=output:p1
	EOF
	ofctl 2 del-flows br0 &&
	ofctl 2 add-flows br0 - <<-EOF &&
		cookie=0x20,priority=10,in_port=p2,icmp,actions=output:t0
		cookie=0x21,priority=30,in_port=t0,icmp,pkt_mark=0x55,actions=output:p2
		cookie=0x22,priority=30,in_port=t0,icmp,pkt_mark=0x77,actions=output:p2
		cookie=0x23,priority=20,in_port=t0,icmp,actions=output:p2
	EOF
	settle 1 && settle 2
}
check "t0 on both hosts (host 2: carry=mark, trusted_remotes=198.51.100.0/24); flows" setup
check "host 1: t0 up" port_ok 1 t0
check "host 2: t0 up" port_ok 2 t0
check "a first ping crosses" warm

# counts: "mark-0x55 mark-0x77 control": host 2's three flows' packets,
# once OVS has pulled the datapath's statistics.
counts() {
	appctl 2 revalidator/wait >/dev/null && appctl 2 revalidator/wait >/dev/null ||
		{ t_error "revalidator/wait failed on host 2"; return 1; }
	ofctl 2 dump-flows br0 | awk '
		match($0, /cookie=0x2[123],/) {
			c = substr($0, RSTART + 7, 4)
			if (match($0, /n_packets=[0-9]+/))
				n[c] = substr($0, RSTART + 10, RLENGTH - 10)
		}
		END {
			if (!("0x21" in n) || !("0x22" in n) || !("0x23" in n)) {
				print "ERROR: counts: host 2 flows missing" > "/dev/stderr"; exit 1
			}
			print n["0x21"], n["0x22"], n["0x23"]
		}'
}
# ping_counted [COUNTER...]: warm, ping3, then how far host 2's three
# flows (and host 2's device COUNTERs, after a "/") moved with ping3.
ping_counted() {
	local f1 f2 c1="" c2="" b a i out=""
	warm || { echo "no answer"; return 1; }
	f1=$(counts) || return 1
	if [ $# -gt 0 ]; then c1=$(dev_stats 2 "$@") || return 1; fi
	ping3 >/dev/null || { echo "ping3 lost packets"; return 1; }
	f2=$(counts) || return 1
	if [ $# -gt 0 ]; then c2=$(dev_stats 2 "$@") || return 1; fi
	read -r -a b <<<"$f1 $c1"
	read -r -a a <<<"$f2 $c2"
	for i in "${!b[@]}"; do
		[ "$i" -eq 3 ] && out="$out /"
		out="$out $((a[i] - b[i]))"
	done
	echo "${out# }"
}
# change HOST CHECK_NAME VSCTL_ARGS...: a change of host HOST's options
# that must update its device once: waits for the plugin's log line.
change() {
	local h=$1 name=$2 n
	shift 2
	n=$(now_has "$h")
	check "$name" vsctl "$h" "$@"
	check_within "  host $h's device updated (logged once)" 30 updated "$h" $((n + 1))
}

# ---- (a), (b) The mark from a trusted sender; trust changed, then removed -------
echo "$T_NAME: (a), (b) The mark from a trusted sender; trust changed, then removed, at $SECONDS s"

check_eq "openvswitch.ko: the vport's options" \
	"type=200 dst_port=7081 carry=0x1 trust=198.51.100.0/24" "$(vport 2)"
logged_start=$(now_has 2)
check_eq "trusted: all three matched pkt_mark=0x55 (rx_mark_restored +3, rx_carry_untrusted +0)" \
	"3 0 0 / 3 0" "$(ping_counted rx_mark_restored rx_carry_untrusted)"

change 2 "host 2: trusted_remotes=198.51.100.1/32 on the running port" \
	set interface t0 options:trusted_remotes=198.51.100.1/32
check_eq "  openvswitch.ko reports the new trust list" \
	"type=200 dst_port=7081 carry=0x1 trust=198.51.100.1/32" "$(vport 2)"
check_match "  dpif/show the configured one" \
	't0 [0-9]+/[0-9]+: \(mdtun: carry=mark, remote_ip=198\.51\.100\.1, trusted_remotes=198\.51\.100\.1/32\)' \
	appctl 2 dpif/show

change 2 "host 2: trusted_remotes removed" remove interface t0 options trusted_remotes
check_eq "  openvswitch.ko: no trust list any more" \
	"type=200 dst_port=7081 carry=0x1" "$(vport 2)"
check_match "  dpif/show: carry only" \
	't0 [0-9]+/[0-9]+: \(mdtun: carry=mark, remote_ip=198\.51\.100\.1\)' appctl 2 dpif/show
check_eq "  untrusted: the pkt_mark flow stops matching, the control flow counts them (rx_mark_restored +0, rx_carry_untrusted +3)" \
	"0 0 3 / 0 3" "$(ping_counted rx_mark_restored rx_carry_untrusted)"

# ---- (c) carry=mark with egress_pkt_mark ----------------------------------------------
echo "$T_NAME: (c) carry=mark with egress_pkt_mark, at $SECONDS s"

change 2 "host 2: trusted_remotes=198.51.100.1/32 again" \
	set interface t0 options:trusted_remotes=198.51.100.1/32
check "host 1: t0 egress_pkt_mark=119 (0x77); the flow still sets 0x55" \
	vsctl 1 set interface t0 options:egress_pkt_mark=119
appctl 1 revalidator/purge >/dev/null
capture_start 2 4 --src 198.51.100.1
check_eq "the receiver restores 0x77: pkt_mark=0x77 matched, 0x55 did not" \
	"0 3 0" "$(ping_counted)"
wire=$(capture_lines)
echo "$wire"
tlvs() { echo "$wire" | sed -n 's/.* tlvs=\([^ ]*\) .*/\1/p'; }
check_eq "  on the wire: the mark TLV holds 0x00000077, four times (with the warm-up)" \
	"$(printf 'fff7:01:00000077\n%.0s' 1 2 3 4)" "$(tlvs)"
check "host 1: egress_pkt_mark removed" vsctl 1 remove interface t0 options egress_pkt_mark

# ---- (d) Priority ----------------------------------------------------------------------
echo "$T_NAME: (d) Priority, at $SECONDS s"

# On host 2, towards endpoint 2: prio 1 counts IPv4 packets with
# skb_priority 0x10006 (65542) and goes on; prio 2 counts all IPv4 ones.
# (IPv4 only: host 2's own kernel sends IPv6 link-local traffic on p2.)
tc_setup() {
	inh 2 tc qdisc add dev p2 clsact &&
	inh 2 tc filter add dev p2 egress prio 1 protocol ip basic \
		match 'meta(priority eq 65542)' action continue &&
	inh 2 tc filter add dev p2 egress prio 2 protocol ip basic action ok
}
# tc_counts: "PRIORITY_MATCHED ALL" so far, from the filters' actions.
tc_counts() {
	inh 2 tc -s filter show dev p2 egress | awk '
		/^filter .* pref [0-9]+ / { for (i = 1; i < NF; i++) if ($i == "pref") p = $(i + 1) }
		/Sent [0-9]+ bytes [0-9]+ pkt/ && !(p in n) { n[p] = $4 }
		END {
			if (!(1 in n) || !(2 in n)) { print "ERROR: tc_counts: filters missing" > "/dev/stderr"; exit 1 }
			print n[1], n[2]
		}'
}
# ping_prio COUNTER: warm, ping3, then how far the two tc filters and host
# 2's device COUNTER moved with ping3.
ping_prio() {
	local t1 t2 c1 c2 p1 a1 p2 a2
	warm || { echo "no answer"; return 1; }
	t1=$(tc_counts) && c1=$(dev_stats 2 "$1") || return 1
	ping3 >/dev/null || { echo "ping3 lost packets"; return 1; }
	t2=$(tc_counts) && c2=$(dev_stats 2 "$1") || return 1
	read -r p1 a1 <<<"$t1"
	read -r p2 a2 <<<"$t2"
	echo "$((p2 - p1)) $((a2 - a1)) / $((c2 - c1))"
}
check "host 2: tc filters on p2 egress (skb_priority 0x10006; all)" tc_setup
check "host 1: carry=mark,priority" vsctl 1 set interface t0 options:carry=mark,priority
check "  host 1's flow adds set_queue:5" host1_flow "set_field:0x55->pkt_mark,set_queue:5"
check_eq "host 2 carries only the mark: the priority is not restored (rx_carry_not_allowed +3)" \
	"0 3 / 3" "$(ping_prio rx_carry_not_allowed)"
change 2 "host 2: carry=mark,priority" set interface t0 options:carry=mark,priority
check_eq "  openvswitch.ko has it" \
	"type=200 dst_port=7081 carry=0x3 trust=198.51.100.1/32" "$(vport 2)"
capture_start 2 4 --src 198.51.100.1
check_eq "the priority is restored: skb_priority 0x10006 on the way to endpoint 2 (rx_priority_restored +3)" \
	"3 3 / 3" "$(ping_prio rx_priority_restored)"
wire=$(capture_lines)
echo "$wire"
check_eq "  on the wire: mark 0x55, then priority 0x00010006" \
	"$(printf 'fff7:01:00000055,fff7:02:00010006\n%.0s' 1 2 3 4)" "$(tlvs)"

# ---- (e) The device is updated when the desired state changes, only then --------
echo "$T_NAME: (e) The device is updated when the desired state changes, only then, at $SECONDS s"

check_eq "host 2 logged one device update per change of its options (4)" \
	$((logged_start + 4)) "$(now_has 2)"
logged=$(now_has 2)
check "host 2: the device's carry changed outside OVS (mdtun-ctl set carry none)" \
	inh 2 mdtun-ctl set "$DEV" carry none
check "two reconfigurations of host 2 that change no mdtun option" sync_vswitchd 2
check_eq "  the device was left alone (no update at every reconfiguration)" \
	"type=200 dst_port=7081 carry=0x0 trust=198.51.100.1/32" "$(vport 2)"
check_eq "  and nothing logged" "$logged" "$(now_has 2)"
change 2 "host 2: trusted_remotes=198.51.100.0/24 (a change of the desired state)" \
	set interface t0 options:trusted_remotes=198.51.100.0/24
check_eq "  the device gets the whole desired state" \
	"type=200 dst_port=7081 carry=0x3 trust=198.51.100.0/24" "$(vport 2)"

# ---- (f) Two ports on one UDP port ---------------------------------------------------
echo "$T_NAME: (f) Two ports on one UDP port, at $SECONDS s"

logged=$(now_has 2)
vsctl 2 add-port br0 t1 -- set interface t1 type=mdtun \
	options:remote_ip=198.51.100.3 options:carry=priority >/dev/null 2>&1
port_error "host 2: t1 on UDP 7081 with carry=priority is refused" 2 t1 \
	"t1: carry, in_port_reg and trusted_remotes must be the same on all mdtun ports with UDP port 7081 \(they share the kernel device mdtun_sys_7081\): this port has carry=priority trusted_remotes=none, port t0 has carry=mark,priority trusted_remotes=198\.51\.100\.0/24"
check "  two more reconfigurations" sync_vswitchd 2
check_eq "  the device kept t0's values" \
	"type=200 dst_port=7081 carry=0x3 trust=198.51.100.0/24" "$(vport 2)"
check_eq "  and was not updated" "$logged" "$(now_has 2)"
check "t1 with t0's values" vsctl 2 set interface t1 options:carry=mark,priority \
	options:trusted_remotes=198.51.100.0/24
check "  t1 up" port_ok 2 t1
check "  t0 up" port_ok 2 t0
check_eq "  one mdtun vport in the datapath for both" 1 \
	"$(dpctl 2 show | grep -c 'mdtun_sys_')"
check "the ping still crosses (t0's remote)" ping3
check "deleting t1" vsctl 2 del-port br0 t1
check_match "  the vport stays for t0" "$DEV" dpctl 2 show

# ---- (g) VNIs above 24 bits ----------------------------------------------------
echo "$T_NAME: (g) VNIs above 24 bits, at $SECONDS s"

vsctl 1 add-port br0 v0 -- set interface v0 type=mdtun \
	options:remote_ip=198.51.100.9 options:dst_port=7085 options:key=16777216 >/dev/null 2>&1
port_error "host 1: key=16777216 is refused" 1 v0 \
	"^\"v0: invalid key '16777216': expected flow or a VNI of at most 24 bits \(0 to 16777215, 0xffffff\)\"$"
check_nomatch "  and no vport was made for it" mdtun_sys_7085 dpctl 1 show
check "deleting v0" vsctl 1 del-port br0 v0

# ---- (h) Not an mdtun device under the datapath port's name -------------------------
echo "$T_NAME: (h) Not an mdtun device under the datapath port's name, at $SECONDS s"

vsd_pid=$(cat "$tmp/1/ovs-vswitchd.pid")
check "host 1: a dummy device named mdtun_sys_7090" \
	inh 1 ip link add mdtun_sys_7090 type dummy
vsctl 1 add-port br0 d0 -- set interface d0 type=mdtun \
	options:remote_ip=198.51.100.2 options:dst_port=7090 >/dev/null 2>&1
port_error "kernel datapath: the vport cannot be made (the name is taken)" 1 d0 \
	'could not add network device d0 to ofproto \(File exists\)'
check "  the dummy is still there, still a dummy" sh -c \
	"ip -n $(hns 1) -d link show mdtun_sys_7090 | grep -qw dummy"
check "deleting d0" vsctl 1 del-port br0 d0
# The userspace datapath makes no kernel device, so the port comes up and
# the plugin meets the dummy where it looks for the port's device.
check "modprobe tun (the userspace datapath's own port)" modprobe tun
check "host 1: a bridge on the userspace datapath" \
	vsctl 1 add-br bru -- set bridge bru datapath_type=netdev
check "  with an mdtun port u0 on UDP 7090" \
	vsctl 1 add-port bru u0 -- set interface u0 type=mdtun \
	options:remote_ip=198.51.100.2 options:dst_port=7090 options:carry=mark
check "  u0 up" port_ok 1 u0
u0_warned() {
	grep -q 'u0: cannot update kernel device mdtun_sys_7090: mdtun_sys_7090: not an mdtun device' \
		"$tmp/1/ovs-vswitchd.log"
}
check_within "  the plugin logs that the device is not an mdtun link" 30 u0_warned
show=$(appctl 1 mdtun/show u0)
echo "$show"
check_match "  mdtun/show says the device was not updated" \
	'^  kernel device not updated: mdtun_sys_7090: not an mdtun device$' echo "$show"
check_match "  and that it is not an mdtun link" \
	'^  kernel device: mdtun_sys_7090: mdtun_sys_7090: not an mdtun device$' echo "$show"
check_error "mdtun-ctl set on the dummy refuses (Rtnl::Set)" \
	'mdtun_sys_7090: not an mdtun device' inh 1 mdtun-ctl set mdtun_sys_7090 carry mark
check_eq "ovs-vswitchd is the same process, alive" "$vsd_pid" \
	"$(cat "$tmp/1/ovs-vswitchd.pid")"
check "  and answers" appctl 1 version
del_bru() { vsctl 1 del-br bru && inh 1 ip link del mdtun_sys_7090; }
check "deleting bru and the dummy" del_bru
check "the tunnel still works" ping3

check "no kernel warnings" sh -c "! dmesg | grep -E 'WARNING:|BUG:|Oops'"
t_done
