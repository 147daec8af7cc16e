#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The outer packet: sizes and header fields.
#  - MTU: a new device's MTU leaves room for the outer IPv4/IPv6 + UDP +
#    mdtun headers and the carried TLVs;
#  - PMTU: with the underlay MTU lowered, an oversize DF packet makes the
#    tunnel answer with "fragmentation needed" and the sender learns the
#    path MTU; TCP still flows;
#  - GSO/GRO: TCP through the tunnel goes out as GSO super-packets, is cut
#    to MTU size on an underlay without TSO and, with GRO on the receiving
#    underlay, comes in re-aggregated by mdtun's GRO callbacks (average
#    packet sizes above the MTU on the tunnel device; not without GRO);
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
# 1400 bytes with DF: fits m4 (1450) but not the underlay once wrapped.
on h1 "$PY" "$TLIB/mdtun_send.py" icmp 192.0.2.2 0 64 1400 1
# 1300 - 20 - 8 - 8 - 14: what fits through the tunnel now.
pmtu_learned() { on h1 ip route get 192.0.2.2 | grep -q "mtu $((1300 - 20 - 8 - 8 - 14))"; }
check_within pmtu-learned 10 pmtu_learned
bps=$(tcp_bps h2 h1 192.0.2.2 5201 2)
log "iperf3 with a 1300-byte underlay: ${bps:-(no result)} bit/s"
check_ge tcp-over-reduced-pmtu 1000000 "$bps"
for k in 1 2; do on "h$k" ip link set ul mtu 1500; done

# ---- GSO and GRO ------------------------------------------------------------------

# h1's underlay does no TSO, so the tunnel's GSO super-packets are cut into
# MTU-sized datagrams on the wire (as on a real NIC without tunnel offload)
# and only GRO in mdtun's UDP tunnel callbacks can make them big again on
# h2.  A run without GRO on h2's underlay is the control.
check tso-off-on-h1-underlay set_tso h1 ul off
run=0
# tcp_run LABEL: 2 s of iperf3 through m4; sets bps and the average
# packet sizes avg_tx (h1's m4), avg_ul (h1's ul) and avg_rx (h2's m4).
tcp_run() {
	local tx_p tx_b ul_p ul_b rx_p rx_b
	tx_p=$(stat h1 m4 tx_packets)
	tx_b=$(stat h1 m4 tx_bytes)
	ul_p=$(on h1 cat /sys/class/net/ul/statistics/tx_packets)
	ul_b=$(on h1 cat /sys/class/net/ul/statistics/tx_bytes)
	rx_p=$(stat h2 m4 rx_packets)
	rx_b=$(stat h2 m4 rx_bytes)
	run=$((run + 1))
	bps=$(tcp_bps h2 h1 192.0.2.2 $((5210 + run)) 2)
	avg_tx=$(( ($(stat h1 m4 tx_bytes) - tx_b) / ($(stat h1 m4 tx_packets) - tx_p + 1) ))
	avg_ul=$(( ($(on h1 cat /sys/class/net/ul/statistics/tx_bytes) - ul_b) /
		($(on h1 cat /sys/class/net/ul/statistics/tx_packets) - ul_p + 1) ))
	avg_rx=$(( ($(stat h2 m4 rx_bytes) - rx_b) / ($(stat h2 m4 rx_packets) - rx_p + 1) ))
	log "iperf3 $1: ${bps:-0} bit/s; average packet sizes: m4 sent $avg_tx," \
		"underlay sent $avg_ul, m4 received $avg_rx (mtu $(mtu h1 m4))"
}

check gro-off-on-h2-underlay set_gro h2 ul off
tcp_run "without GRO"
check_ge tcp-without-gro 1000000 "$bps"
check_ge gso-super-packets-sent 2000 "$avg_tx"
check segmented-on-the-wire [ "$avg_ul" -le 1514 ]
check not-aggregated-without-gro [ "$avg_rx" -le 1514 ]

check gro-on-h2-underlay set_gro h2 ul on
tcp_run "with GRO"
check_ge tcp-with-gro 1000000 "$bps"
check segmented-on-the-wire-again [ "$avg_ul" -le 1514 ]
check_ge gro-aggregated-on-receive 2000 "$avg_rx"
check tso-back-on set_tso h1 ul on

# ---- IPv6 zero UDP checksum -------------------------------------------------------

capture_start h2 1 --family 6
zc=$(stat h2 m6 rx_zero_csum)
check_fails zero-csum-refused ping_ok h1 203.0.113.2 2
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
	capture_start h2 1 --src 198.51.100.1
	# A raw ICMP socket: the kernel routes it and uses its neighbour entry.
	on h1 "$PY" "$TLIB/mdtun_send.py" icmp 192.0.2.2 "$1" "$2" 0 0
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
# craft INNER_TOS OUTER_TOS: one datagram for VNI 42 from h1's underlay.
craft() {
	on h1 "$PY" "$TLIB/mdtun_send.py" mdtun 198.51.100.1 \
		198.51.100.2 42 "$2" "$m4_mac" "$1"
}
rx_p=$(stat h2 m4 rx_packets)
craft 0x02 0x03
check_eventually_eq ce-packet-delivered 10 $((rx_p + 1)) stat h2 m4 rx_packets
check_eq ce-copied-to-inner 1 "$(tc_hits h2 m4 ingress 1)"
err=$(stat h2 m4 rx_errors)
craft 0x00 0x03
check_eventually_eq ce-over-not-ect-dropped 10 $((err + 1)) stat h2 m4 rx_errors
# A valid packet after it: once that is in, the dropped one is judged.
craft 0x02 0x02
check_eventually_eq ce-over-not-ect-not-delivered 10 $((rx_p + 2)) stat h2 m4 rx_packets

check dmesg dmesg_clean
t_done
