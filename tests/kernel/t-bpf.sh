#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Metadata set by BPF: a tc program on h1's external device calls
# bpf_skb_set_tunnel_key() and bpf_skb_set_tunnel_opt() (bpf/set_tunnel.bpf.c,
# compiled here with clang -target bpf).  The helpers flag the option as
# every tunnel's kind at once; mdtun must take it as a Geneve-style option:
# the VNI, TTL and TLV are on the wire, and h2's flower matches them.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
obj=$(mktemp /tmp/set_tunnel.XXXXXX.o)
check compile-bpf clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu \
	-c "$top/tests/kernel/bpf/set_tunnel.bpf.c" -o "$obj"
for k in 1 2; do
	ctl "h$k" add ext external
	quiet "h$k" ext
	overlay "h$k" ext "192.0.2.$k/24"
	on "h$k" tc qdisc add dev ext clsact
done
on h1 ip neigh add 192.0.2.2 lladdr "$(on h2 cat /sys/class/net/ext/address)" dev ext
check attach-bpf on h1 tc filter add dev ext egress bpf direct-action obj "$obj" sec tc
on h2 tc filter add dev ext ingress prio 1 protocol ip flower \
	enc_key_id 55 enc_src_ip 198.51.100.1 geneve_opts 0102:05:feedf00d \
	action continue
on h2 tc filter add dev ext ingress prio 2 protocol ip flower \
	enc_key_id 55 geneve_opts 0102:05:00000000 action continue

capture_start h2 1 --src 198.51.100.1
# The echo replies have no way back (h2 sets no metadata): only the
# requests matter.
send_pings h1 192.0.2.2 3
wire=$(capture_stop)
echo "$wire"
field() { echo "$wire" | head -n 1 | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
check_eq wire-vni-from-bpf 55 "$(field vni)"
check_eq wire-ttl-from-bpf 21 "$(field ttl)"
check_eq wire-tlv-from-bpf 0102:05:feedf00d "$(field tlvs)"
check_eventually_eq flower-matches-bpf-option 10 3 tc_hits h2 ext ingress 1
check_eq flower-other-value-no-match 0 "$(tc_hits h2 ext ingress 2)"
check_eq no-bad-options 0 "$(stat h1 ext tx_bad_options)"
rm -f "$obj"
check dmesg dmesg_clean
t_done
