#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Who may set the receiver's packet fields (docs/protocol.md sections 8.4
# and 9): the carried mark and priority are restored only from trusted
# senders, and a field sent critical that the receiver will not apply
# drops the packet.
#
#   h1 (198.51.100.1, 2001:db8:1::1) --.
#                                       sw -- h2: receiver
#   h3 (198.51.100.3, 2001:db8:1::3) --'
#
# h1 and h3 send with fixed devices that carry mark 0x55 and priority
# 0x10003 (tc skbedit on their egress): m4 over IPv4 and m6 over IPv6, both
# to h2's collect-metadata device "ext" (carry mark,priority), whose trust
# list each step changes.  On ext, tc's fw classifier counts packets that
# really have the mark 0x55 and a basic meta match those with the
# priority.  Then: a fixed device's implicit trust of its remote, and the
# critical variants, sent by h1 with tc tunnel_key from a collect-metadata
# device.
#
# Every step is judged only after the receiver has counted all of the
# step's packets as received or dropped: the "not restored" checks are
# made on packets that demonstrably arrived.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 3
# Overlays: 192.0.2.0/26 (m4), 203.0.113.0/24 (m6), 192.0.2.128/26 (the
# fixed pair fx), 192.0.2.192/26 (h1's collect-metadata sender).
ctl h2 add ext external carry mark,priority
quiet h2 ext
on h2 ip link set ext address 02:00:00:00:00:02 up
on h2 ip addr add 192.0.2.2/26 dev ext
on h2 ip addr add 203.0.113.2/24 dev ext
for k in 1 3; do
	ctl "h$k" add m4 id 7 remote 198.51.100.2 carry mark,priority
	ctl "h$k" add m6 id 8 remote 2001:db8:1::2 carry mark,priority
	quiet "h$k" m4 m6
	overlay "h$k" m4 "192.0.2.$k/26"
	overlay "h$k" m6 "203.0.113.$k/24"
	# The replies cannot come back through ext (no metadata on them):
	# pin the receiver's MAC instead of asking ARP.
	on "h$k" ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev m4
	on "h$k" ip neigh add 203.0.113.2 lladdr 02:00:00:00:00:02 dev m6
	for d in m4 m6; do
		on "h$k" tc qdisc add dev "$d" clsact
		on "h$k" tc filter add dev "$d" egress protocol ip matchall \
			action skbedit mark 0x55 priority 1:3
	done
done
on h2 tc qdisc add dev ext clsact
on h2 tc filter add dev ext ingress prio 1 protocol ip handle 0x55 fw action continue
on h2 tc filter add dev ext ingress prio 2 protocol ip \
	basic match 'meta(priority eq 0x10003)' action continue

# step NAME HOST DST TRUST RESTORED: sets ext's trust list to TRUST, sends
# 3 echo requests from HOST to DST (192.0.2.2 through m4, 203.0.113.2
# through m6) and checks that all 3 arrived and that RESTORED (0 or 3) of
# them got the mark and the priority back, the others counted as untrusted
# (2 fields each).
step() {
	local name=$1 host=$2 dst=$3 trust=$4 want=$5
	local rx mark prio rest untr
	check "$name: trust $trust" ctl h2 set ext trust "$trust"
	rx=$(stat h2 ext rx_packets)
	mark=$(tc_hits h2 ext ingress 1)
	prio=$(tc_hits h2 ext ingress 2)
	rest=$(stat h2 ext rx_mark_restored)
	untr=$(stat h2 ext rx_carry_untrusted)
	send_pings "$host" "$dst" 3
	check_eventually_eq "$name: 3 packets arrived from $host" 10 \
		$((rx + 3)) stat h2 ext rx_packets
	check_eq "$name: $want with the mark 0x55" $((mark + want)) \
		"$(tc_hits h2 ext ingress 1)"
	check_eq "$name: $want with the priority 1:3" $((prio + want)) \
		"$(tc_hits h2 ext ingress 2)"
	check_eq "$name: restores counted" $((rest + want)) \
		"$(stat h2 ext rx_mark_restored)"
	check_eq "$name: untrusted fields counted" $((untr + 2 * (3 - want))) \
		"$(stat h2 ext rx_carry_untrusted)"
}

# ---- IPv4 prefixes ------------------------------------------------------------------

step h1-in-its-/32 h1 192.0.2.2 198.51.100.1/32 3
step h3-outside-h1s-/32 h3 192.0.2.2 198.51.100.1/32 0
# Same family, same /24, but not in the /31 (198.51.100.0-1).
step h3-outside-a-/31 h3 192.0.2.2 198.51.100.0/31 0
step h1-inside-the-/31 h1 192.0.2.2 198.51.100.0/31 3
step h3-in-/0 h3 192.0.2.2 0.0.0.0/0 3
# An IPv6 prefix, however wide, does not trust an IPv4 sender.
step ipv4-sender-not-in-ipv6-/0 h1 192.0.2.2 ::/0 0

# ---- IPv6 underlay: carry and trust end to end ---------------------------------------

step v6-h1-in-its-/128 h1 203.0.113.2 2001:db8:1::1/128 3
step v6-h3-outside-h1s-/128 h3 203.0.113.2 2001:db8:1::1/128 0
step v6-h3-in-the-/64 h3 203.0.113.2 2001:db8:1::/64 3
step v6-sender-not-in-ipv4-/0 h3 203.0.113.2 0.0.0.0/0 0
step v6-two-prefixes h1 203.0.113.2 198.51.100.0/24,2001:db8:1::1/128 3

# ---- A fixed device trusts its remote, and nobody else -----------------------------------

# fx shares UDP port 7081 with ext: VNI 9 from 198.51.100.1 is fx's.
ctl h1 add fx id 9 remote 198.51.100.2 carry mark
ctl h2 add fx id 9 remote 198.51.100.1 carry mark
quiet h1 fx
quiet h2 fx
overlay h1 fx 192.0.2.129/26
overlay h2 fx 192.0.2.130/26
on h1 tc qdisc add dev fx clsact
on h1 tc filter add dev fx egress protocol all matchall action skbedit mark 0x66
on h2 tc qdisc add dev fx clsact
on h2 tc filter add dev fx ingress prio 1 protocol ip handle 0x66 fw action continue
check_eq fixed-trusts-nothing-else "[]" "$(ctl h2 show fx --json |
	$PY -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_data"]["trust"])')"
check fixed-remote-ping ping_ok h1 192.0.2.130
check_ge fixed-remote-mark-restored 3 "$(stat h2 fx rx_mark_restored)"
check_ge fixed-remote-mark-seen 3 "$(tc_hits h2 fx ingress 1)"
check_eq fixed-remote-never-untrusted 0 "$(stat h2 fx rx_carry_untrusted)"

# ---- Critical well-known fields: applied or dropped ---------------------------------------

# h1 sends from a collect-metadata device with tc tunnel_key: options as
# given.  ext (VNI 100) carries mark,priority; fx (VNI 9) is fixed and
# carries only the mark.
ctl h1 add src external
quiet h1 src
on h1 ip link set src address 02:00:00:00:00:01 up
on h1 ip addr add 192.0.2.193/26 dev src
on h1 ip neigh add 192.0.2.194 lladdr 02:00:00:00:00:02 dev src
on h1 tc qdisc add dev src clsact
# opts VNI OPTS: what h1's src puts on the next packets.
opts() {
	on h1 tc filter del dev src egress prio 1 2>/dev/null
	on h1 tc filter add dev src egress prio 1 protocol ip matchall \
		action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 \
		id "$1" dst_port 7081 geneve_opts "$2"
}
# critical NAME DEV VNI OPTS TRUST OUTCOME: one packet with OPTS from h1
# to h2's DEV (ext trusting TRUST); OUTCOME is "delivered" or "dropped"
# (as crit_not_applied on DEV).
critical() {
	local name=$1 dev=$2 vni=$3 o=$4 trust=$5 outcome=$6
	local rx drop
	[ "$dev" = ext ] && ctl h2 set ext trust "$trust"
	opts "$vni" "$o"
	rx=$(stat h2 "$dev" rx_packets)
	drop=$(stat h2 "$dev" rx_crit_not_applied)
	send_pings h1 192.0.2.194 1
	if [ "$outcome" = delivered ]; then
		check_eventually_eq "$name: delivered" 10 $((rx + 1)) stat h2 "$dev" rx_packets
		check_eq "$name: not counted as not applied" "$drop" \
			"$(stat h2 "$dev" rx_crit_not_applied)"
	else
		check_eventually_eq "$name: dropped as crit_not_applied" 10 \
			$((drop + 1)) stat h2 "$dev" rx_crit_not_applied
		check_eq "$name: not delivered" "$rx" "$(stat h2 "$dev" rx_packets)"
	fi
}
# The well-known class is fff7; 0x81 is the critical mark, 0x82 the
# critical priority, 0x90 the critical reg0, 0x83 the critical OpenFlow
# metadata (8 bytes).
critical crit-mark-trusted ext 100 fff7:81:00000055 198.51.100.1/32 delivered
critical crit-mark-untrusted ext 100 fff7:81:00000055 203.0.113.0/24 dropped
critical mark-untrusted-not-critical ext 100 fff7:01:00000055 203.0.113.0/24 delivered
ctl h2 set ext carry mark
critical crit-priority-not-carried ext 100 fff7:82:00010003 198.51.100.1/32 dropped
critical priority-not-carried-not-critical ext 100 fff7:02:00010003 198.51.100.1/32 delivered
ctl h2 set ext carry mark,priority
# Pipeline fields go to the consumer of a collect-metadata device...
critical crit-reg0-handed-on ext 100 fff7:90:00000007 198.51.100.1/32 delivered
critical crit-metadata-handed-on ext 100 fff7:83:0000000000000007 198.51.100.1/32 delivered
# ... and a fixed device has nobody to hand them to.
critical crit-reg0-at-fixed fx 9 fff7:90:00000007 - dropped
critical reg0-at-fixed-not-critical fx 9 fff7:10:00000007 - delivered
critical crit-mark-at-fixed-from-remote fx 9 fff7:81:00000066 - delivered
critical crit-priority-at-fixed-not-carried fx 9 fff7:82:00000001 - dropped

check dmesg dmesg_clean
t_done
