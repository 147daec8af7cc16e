#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Collect-metadata mode driven by tc alone, as the stock kernel's tools do
# it for geneve: on the sender, tc tunnel_key sets the VNI, remote, TOS,
# TTL and two Geneve-style options on packets from a client, and mirred
# hands them to the "external" mdtun device; on the receiver, tc flower
# matches the tunnel metadata (enc_key_id, enc_src_ip, geneve_opts) and
# delivers to the other client.  Proves that the options go on the wire
# exactly as given (capture, decoded independently by mdtun_decode.py),
# that they come back flagged as Geneve options (flower matches them; a
# filter with another value or VNI does not), and that metadata mdtun
# cannot send (VXLAN options, no tunnel info at all) is counted and
# dropped.
#
#   c1 --veth-- [h1: ext] ==UDP 7081== [h2: ext] --veth-- c2
#   192.0.2.1                                             192.0.2.2
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
for k in 1 2; do
	ip netns add "c$k"
	ip link add c netns "h$k" type veth peer name eth0 netns "c$k"
	ip -n "c$k" addr add "192.0.2.$k/24" dev eth0
	ip -n "c$k" link set eth0 up
	on "h$k" ip link set c up
	ctl "h$k" add ext external
	quiet "h$k" ext c
	on "h$k" ip link set ext up
	on "h$k" tc qdisc add dev c clsact
	on "h$k" tc qdisc add dev ext clsact
done
quiet c1 eth0
quiet c2 eth0

OPTS=0102:01:00112233,0103:02:0000000100000002
# h1: everything from c1 gets the metadata and goes into the tunnel.
on h1 tc filter add dev c ingress prio 1 matchall \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 id 77 \
	dst_port 7081 tos 0x28 ttl 9 geneve_opts "$OPTS" \
	pipe action mirred egress redirect dev ext
# h2 answers with one option.
on h2 tc filter add dev c ingress prio 1 matchall \
	action tunnel_key set src_ip 198.51.100.2 dst_ip 198.51.100.1 id 77 \
	dst_port 7081 geneve_opts 0102:01:00112233 \
	pipe action mirred egress redirect dev ext
# h2 receives: prio 1 and 2 would match another option value or VNI and
# only count (continue); prio 3 matches what h1 sends and delivers.
on h2 tc filter add dev ext ingress prio 1 protocol all flower \
	enc_key_id 77 geneve_opts 0102:01:deadbeef,0103:02:0000000100000002 \
	action continue
on h2 tc filter add dev ext ingress prio 2 protocol all flower \
	enc_key_id 78 geneve_opts "$OPTS" action continue
on h2 tc filter add dev ext ingress prio 3 protocol all flower \
	enc_key_id 77 enc_src_ip 198.51.100.1 enc_dst_port 7081 \
	geneve_opts "$OPTS" \
	action tunnel_key unset pipe action mirred egress redirect dev c
on h1 tc filter add dev ext ingress prio 1 protocol all flower \
	enc_key_id 77 enc_src_ip 198.51.100.2 geneve_opts 0102:01:00112233 \
	action tunnel_key unset pipe action mirred egress redirect dev c

# ---- Metadata from tc crosses, and flower matches it -------------------------

capture_start h2 2
check ping-through-tc-metadata ping_ok c1 192.0.2.2
wire=$(capture_stop)
echo "$wire"
first=$(echo "$wire" | grep 'src=198.51.100.1' | head -n 1)
check_eq wire-vni 77 "$(echo "$first" | sed -n 's/.* vni=\([0-9]*\).*/\1/p')"
check_eq wire-tlvs "0102:01:00112233,0103:02:0000000100000002" \
	"$(echo "$first" | sed -n 's/.* tlvs=\([^ ]*\).*/\1/p')"
# tc's tos 0x28 is the outer DSCP/ECN as given; its ttl 9 likewise.
check_eq wire-tos-from-metadata 0x28 "$(echo "$first" | sed -n 's/.* tos=\(0x[0-9a-f]*\).*/\1/p')"
check_eq wire-ttl-from-metadata 9 "$(echo "$first" | sed -n 's/.* ttl=\([0-9]*\).*/\1/p')"
check_eq wire-critical-flag-clear 0x0 "$(echo "$first" | sed -n 's/.* flags=\(0x[0-9a-f]*\).*/\1/p')"

check_ge flower-matches-options 3 "$(tc_hits h2 ext ingress 3)"
check_eq flower-other-value-no-match 0 "$(tc_hits h2 ext ingress 1)"
check_eq flower-other-vni-no-match 0 "$(tc_hits h2 ext ingress 2)"
check_ge reply-matched-on-h1 3 "$(tc_hits h1 ext ingress 1)"
check_eq no-unknown-vni 0 "$(stat h2 ext rx_unknown_vni)"
check_eq no-unknown-vni-in-netns 0 "$(ns_stat h2 rx_unknown_vni)"

# A critical option (type bit 0x80) sets the header's C flag.
on h1 tc filter del dev c ingress prio 1
on h1 tc filter add dev c ingress prio 1 matchall \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 id 77 \
	dst_port 7081 geneve_opts 0102:81:00112233 \
	pipe action mirred egress redirect dev ext
capture_start h2 2
send_pings c1 192.0.2.2 2
wire=$(capture_stop)
check_eq critical-option-sets-c-flag 0x4 \
	"$(echo "$wire" | grep 'src=198.51.100.1' | head -n 1 | sed -n 's/.* flags=\(0x[0-9a-f]*\).*/\1/p')"

# ---- Metadata mdtun cannot send ---------------------------------------------------

# VXLAN options in the tunnel key: counted as bad options, nothing sent.
on h1 tc filter del dev c ingress prio 1
on h1 tc filter add dev c ingress prio 1 matchall \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 id 77 \
	dst_port 7081 vxlan_opts 0x10 \
	pipe action mirred egress redirect dev ext
check wire-counter wire_count h1
bad_before=$(stat h1 ext tx_bad_options)
check_fails ping-with-vxlan-opts on c1 busybox ping -q -c 2 -W 1 192.0.2.2
check_ge tx-bad-options $((bad_before + 2)) "$(stat h1 ext tx_bad_options)"
check_eq vxlan-opts-not-sent 0 "$(wire_sent h1)"

# No tunnel info at all: traffic routed straight into the external device.
on h1 ip addr add 203.0.113.1/24 dev ext
on h1 ip neigh add 203.0.113.2 lladdr 02:00:00:00:00:02 dev ext
none_before=$(stat h1 ext tx_no_tunnel_info)
check_fails ping-without-tunnel-info on h1 busybox ping -q -c 2 -W 1 203.0.113.2
check_ge tx-no-tunnel-info $((none_before + 2)) "$(stat h1 ext tx_no_tunnel_info)"
check_eq nothing-sent-without-info 0 "$(wire_sent h1)"
# The control: the counter does see what the device sends.
on h1 tc filter del dev c ingress prio 1
on h1 tc filter add dev c ingress prio 1 matchall \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 id 77 \
	dst_port 7081 pipe action mirred egress redirect dev ext
send_pings c1 192.0.2.2 2
check_eventually_eq wire-counter-sees-traffic 10 2 wire_sent h1

check dmesg dmesg_clean
t_done
