#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The outer packet: sizes and header fields.
#  - MTU: a new device's MTU leaves room for the outer IPv4/IPv6 + UDP +
#    mdtun headers and the carried TLVs;
#  - PMTU: with the underlay MTU lowered, an oversize DF packet makes the
#    tunnel answer with "fragmentation needed" and the sender learns the
#    path MTU; TCP still flows;
#  - GSO/GRO: TCP through the tunnel goes out as GSO super-packets and, with
#    GRO on the underlay, comes in aggregated (average packet sizes above
#    the MTU on the tunnel devices);
#  - IPv6 zero UDP checksums are sent only when asked and accepted only
#    when allowed;
#  - outer DF, TTL and TOS follow the configuration (fixed or inherited),
#    the inner ECN field is copied out on transmit (RFC 6040) and a CE mark
#    on the outer header is copied in on receive; CE over a not-ECT inner
#    packet is dropped and counted.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
ctl h1 add m4 id 42 remote 198.51.100.2 df set
ctl h2 add m4 id 42 remote 198.51.100.1 df set
ctl h1 add m6 id 43 remote 2001:db8:1::2 zero-csum6-tx on
ctl h2 add m6 id 43 remote 2001:db8:1::1
ctl h1 add mc id 44 remote 198.51.100.2 port 7082 carry mark,priority
for k in 1 2; do
	quiet "h$k" m4 m6
	overlay "h$k" m4 "192.0.2.$k/24"
	overlay "h$k" m6 "203.0.113.$k/24"
done

mtu() { on "$1" cat "/sys/class/net/$2/mtu"; }
# 1500 - outer IP - UDP (8) - mdtun header (8) - inner Ethernet (14).
check_eq mtu-ipv4-underlay $((1500 - 20 - 8 - 8 - 14)) "$(mtu h1 m4)"
check_eq mtu-ipv6-underlay $((1500 - 40 - 8 - 8 - 14)) "$(mtu h1 m6)"
# Carrying mark and priority adds two 8-byte TLVs.
check_eq mtu-with-carry $((1500 - 20 - 8 - 8 - 14 - 16)) "$(mtu h1 mc)"

# ---- PMTU ---------------------------------------------------------------------

for k in 1 2; do on "h$k" ip link set ul mtu 1300; done
on h1 "$PY" -c 'from scapy.all import IP, ICMP, Raw, conf, send
from scapy.supersocket import L3RawSocket
conf.verb = 0
conf.L3socket = L3RawSocket
send(IP(dst="192.0.2.2", flags="DF") / ICMP() / Raw(b"x" * 1400))'
sleep 1
# 1300 - 20 - 8 - 8 - 14: what fits through the tunnel now.
check_match pmtu-learned "mtu $((1300 - 20 - 8 - 8 - 14))" on h1 ip route get 192.0.2.2
on h2 iperf3 -s -1 -D -p 5201
sleep 1
bps=$(on h1 timeout 60 iperf3 -c 192.0.2.2 -t 2 -J |
	$PY -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
log "iperf3 with a 1300-byte underlay: ${bps:-0} bit/s"
check_ge tcp-over-reduced-pmtu 1000000 "${bps:-0}"
for k in 1 2; do on "h$k" ip link set ul mtu 1500; done

# ---- GSO and GRO ------------------------------------------------------------------

check gro-on-h2-underlay set_gro h2 ul on
check gro-on-h1-underlay set_gro h1 ul on
tx_p=$(stat h1 m4 tx_packets)
tx_b=$(stat h1 m4 tx_bytes)
rx_p=$(stat h2 m4 rx_packets)
rx_b=$(stat h2 m4 rx_bytes)
on h2 iperf3 -s -1 -D -p 5202
sleep 1
bps=$(on h1 timeout 60 iperf3 -c 192.0.2.2 -p 5202 -t 3 -J |
	$PY -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
log "iperf3 with GRO: ${bps:-0} bit/s"
check_ge tcp-with-gso-gro 1000000 "${bps:-0}"
avg_tx=$(( ($(stat h1 m4 tx_bytes) - tx_b) / ($(stat h1 m4 tx_packets) - tx_p + 1) ))
avg_rx=$(( ($(stat h2 m4 rx_bytes) - rx_b) / ($(stat h2 m4 rx_packets) - rx_p + 1) ))
log "average packet size: sent $avg_tx, received $avg_rx (mtu $(mtu h1 m4))"
check_ge gso-super-packets-sent 2000 "$avg_tx"
check_ge gro-aggregated-on-receive 2000 "$avg_rx"

# ---- IPv6 zero UDP checksum -------------------------------------------------------

capture_start h2 1 "ip6 and udp dst port 7081"
zc=$(stat h2 m6 rx_zero_csum)
check_not zero-csum-refused ping_ok h1 203.0.113.2 2
wire=$(capture_stop)
echo "$wire"
check_match zero-csum-on-the-wire 'csum=0x0000' echo "$wire"
check_ge zero-csum-counted $((zc + 2)) "$(stat h2 m6 rx_zero_csum)"
ctl h2 set m6 zero-csum6-rx on
check zero-csum-accepted-when-allowed ping_ok h1 203.0.113.2 2

# ---- DF, TTL, TOS and ECN on the wire -------------------------------------------------

# The hosts know each other's MAC: no ARP in between from here on.
on h1 ip neigh replace 192.0.2.2 lladdr "$(on h2 cat /sys/class/net/m4/address)" \
	dev m4 nud permanent
on h2 ip neigh replace 192.0.2.1 lladdr "$(on h1 cat /sys/class/net/m4/address)" \
	dev m4 nud permanent

# probe TOS TTL: one ICMP echo from h1 into m4 with that inner TOS and TTL;
# prints the decoded outer packet.
probe() {
	capture_start h2 1 "src host 198.51.100.1 and udp dst port 7081"
	# A raw IP socket: the kernel routes it and uses its neighbour entry
	# (scapy's own layer-3 sockets would ARP for 192.0.2.2 themselves).
	on h1 "$PY" -c 'import sys
from scapy.all import IP, ICMP, conf, send
from scapy.supersocket import L3RawSocket
conf.verb = 0
conf.L3socket = L3RawSocket
send(IP(dst="192.0.2.2", tos=int(sys.argv[1], 0), ttl=int(sys.argv[2])) / ICMP())' "$1" "$2"
	capture_stop | grep 'src=198.51.100.1' | head -n 1
}
field() { echo "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

out=$(probe 0 64)
echo "$out"
check_eq df-set 1 "$(field df "$out")"
check_eq ttl-default-64 64 "$(field ttl "$out")"
ctl h1 set m4 df unset ttl 7 tos 0x10
out=$(probe 0x02 64)
echo "$out"
check_eq df-unset 0 "$(field df "$out")"
check_eq ttl-fixed-7 7 "$(field ttl "$out")"
# Fixed DSCP, ECN copied from the inner ECT(0).
check_eq tos-fixed-with-inner-ecn 0x12 "$(field tos "$out")"
check_eq inner-tos-untouched 0x02 "$(field inner_tos "$out")"
ctl h1 set m4 ttl inherit tos inherit
out=$(probe 0x28 33)
echo "$out"
check_eq ttl-inherited 33 "$(field ttl "$out")"
check_eq tos-inherited 0x28 "$(field tos "$out")"

# ECN on receive: a CE outer header over an ECT(0) inner packet arrives as
# CE (counted by a flower filter on ip_tos); CE over not-ECT is dropped.
on h2 tc qdisc add dev m4 clsact
on h2 tc filter add dev m4 ingress prio 1 protocol ip flower \
	ip_tos 0x03/0x03 action continue
m4_mac=$(on h2 cat /sys/class/net/m4/address)
craft() {
	on h1 "$PY" -c 'import sys
from scapy.all import IP, UDP, ICMP, Ether, Raw, conf, send
conf.verb = 0
inner = Ether(dst=sys.argv[1], src="02:00:00:00:00:01") / \
    IP(src="192.0.2.1", dst="192.0.2.2", tos=int(sys.argv[2], 0)) / ICMP()
hdr = bytes([0x10, 0, 0x65, 0x58]) + (42).to_bytes(3, "big") + b"\0"
send(IP(src="198.51.100.1", dst="198.51.100.2", tos=int(sys.argv[3], 0)) /
     UDP(sport=40000, dport=7081) / Raw(hdr + bytes(inner)), iface="ul")' \
		"$m4_mac" "$1" "$2"
}
rx_p=$(stat h2 m4 rx_packets)
craft 0x02 0x03
sleep 1
check_eq ce-copied-to-inner 1 "$(tc_hits h2 m4 ingress 1)"
check_eq ce-packet-delivered $((rx_p + 1)) "$(stat h2 m4 rx_packets)"
err=$(stat h2 m4 rx_errors)
craft 0x00 0x03
sleep 1
check_eq ce-over-not-ect-dropped $((err + 1)) "$(stat h2 m4 rx_errors)"
check_eq ce-over-not-ect-not-delivered $((rx_p + 1)) "$(stat h2 m4 rx_packets)"

check dmesg dmesg_clean
t_done
