#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The main job's demo, run inside utilities/mdtun-vm (make demo): two
# hosts joined by a collect-metadata mdtun tunnel.  Host 1 sends pings
# whose metadata is set in kernel space by tc (VNI, a Geneve-style option,
# skb->mark, skb->priority); host 2's underlay capture is decoded with the
# mdtun Wireshark dissector, host 2's tc matches the options it received
# and sees the restored mark, and both devices' counters are printed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=${MDTUN_CTL:-$top/utilities/mdtun-ctl/mdtun-ctl}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
h1() { ip netns exec h1 "$@"; }
h2() { ip netns exec h2 "$@"; }

modprobe -a udp_tunnel ip6_udp_tunnel
grep -q '^mdtun ' /proc/modules || insmod "$top/datapath/mdtun.ko"

say "Two hosts, underlay 198.51.100.1 <-> 198.51.100.2"
for h in h1 h2; do ip netns add $h; ip -n $h link set lo up; done
ip link add ul netns h1 type veth peer name ul netns h2
for k in 1 2; do
	ip -n h$k addr add 198.51.100.$k/24 dev ul
	ip -n h$k link set ul up
done

say "Collect-metadata mdtun devices (carry mark,priority; h2 trusts h1)"
h1 "$ctl" add mdt external carry mark,priority
h2 "$ctl" add mdt external carry mark,priority trust 198.51.100.0/24
for k in 1 2; do
	ip -n h$k addr add 192.0.2.$k/24 dev mdt
	ip netns exec h$k sysctl -qw net.ipv6.conf.mdt.disable_ipv6=1
	ip -n h$k link set mdt up
done
h1 "$ctl" show
h1 ip neigh add 192.0.2.2 lladdr "$(h2 cat /sys/class/net/mdt/address)" dev mdt

say "h1: tc puts the metadata on each packet (kernel space)"
h1 tc qdisc add dev mdt clsact
h1 tc filter add dev mdt egress protocol ip matchall \
	action skbedit mark 0x1234 priority 1:3 pipe \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 198.51.100.2 \
		id 5001 dst_port 7081 geneve_opts 0102:80:00010002
h1 tc filter show dev mdt egress | sed -n '1,12p'

say "h2: tc matches what arrived: VNI 5001, the option, the restored mark"
h2 tc qdisc add dev mdt clsact
h2 tc filter add dev mdt ingress prio 1 protocol ip handle 0x1234 fw action continue
h2 tc filter add dev mdt ingress prio 2 protocol ip flower enc_key_id 5001 \
	enc_src_ip 198.51.100.1 geneve_opts 0102:80:00010002 action ok

say "h1 pings h2 through the tunnel (replies have no metadata, so they stop there)"
export WIRESHARK_CONFIG_DIR=$(mktemp -d)
cap=$WIRESHARK_CONFIG_DIR/underlay.pcap
h2 timeout 60 tshark -q -i ul -f 'udp port 7081' -c 3 -w "$cap" 2>/dev/null &
# tshark is slow to start in an emulated VM: wait until it writes its file.
for _ in $(seq 60); do [ -s "$cap" ] && break; sleep 0.5; done
h1 busybox ping -c 3 -W 1 192.0.2.2 || true
wait

say "The underlay on h2, decoded by utilities/wireshark/mdtun.lua"
tshark -r "$cap" -X lua_script:"$top/utilities/wireshark/mdtun.lua" -c 1 -O mdtun 2>/dev/null |
	sed -n '/^mdtun/,$p' | sed -n '1,40p'

say "h2's tc: packets matched (fw = restored skb->mark, flower = tunnel metadata)"
h2 tc -s filter show dev mdt ingress | grep -E 'filter|handle|enc_key_id|geneve_opt|Sent'

say "Counters (mdtun-ctl stats, non-zero)"
for h in h1 h2; do
	echo "$h:"
	ip netns exec $h "$ctl" stats mdt | awk -F': ' 'NR == 1 || $2 != 0'
done
for h in h1 h2; do ip netns delete $h; done
