#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# One collect-metadata device, several remotes: the remote of each packet
# is the one its metadata names.  h1's external device has tc on its egress
# choose the tunnel key by inner destination (192.0.2.2 -> h2, 192.0.2.3
# -> h3); h2 and h3 answer the same way.  Each remote must receive exactly
# the packets addressed to it and none of the other's, also when the
# metadata comes from an lwtunnel route instead of tc; a packet whose
# metadata names a remote with no route is counted, not sent.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 3
for k in 1 2 3; do
	ctl "h$k" add ext external
	quiet "h$k" ext
	on "h$k" ip link set ext address "02:00:00:00:00:0$k" up
	on "h$k" ip addr add "192.0.2.$k/24" dev ext
	on "h$k" tc qdisc add dev ext clsact
done
# Static neighbours: ARP replies could not find their way back (the tc
# rules below key on the IP destination).
for k in 1 2 3; do
	for j in 1 2 3; do
		[ "$j" = "$k" ] && continue
		on "h$k" ip neigh add "192.0.2.$j" lladdr "02:00:00:00:00:0$j" dev ext
	done
done
# route_to HOST DEST_K: HOST's packets for 192.0.2.DEST_K get the tunnel
# key that sends them to host DEST_K's underlay address.
route_to() {
	on "$1" tc filter add dev ext egress prio "$2" protocol ip flower \
		dst_ip "192.0.2.$2" \
		action tunnel_key set src_ip "198.51.100.${1#h}" \
		dst_ip "198.51.100.$2" id 100 dst_port 7081 nocsum
}
route_to h1 2
route_to h1 3
route_to h2 1
route_to h3 1

rx() { stat "$1" ext rx_packets; }
r2=$(rx h2)
r3=$(rx h3)
check ping-h2 ping_ok h1 192.0.2.2 5
check_ge h2-received-5 $((r2 + 5)) "$(rx h2)"
check_eq h3-received-none "$r3" "$(rx h3)"

r2=$(rx h2)
check ping-h3 ping_ok h1 192.0.2.3 4
check_ge h3-received-4 $((r3 + 4)) "$(rx h3)"
check_eq h2-received-none "$r2" "$(rx h2)"

# Both remotes in one burst: each gets exactly its own.
r2=$(rx h2)
r3=$(rx h3)
on h1 busybox ping -q -c 3 -W 1 192.0.2.2 >/dev/null 2>&1 &
on h1 busybox ping -q -c 3 -W 1 192.0.2.3 >/dev/null 2>&1
wait
check_eq h2-exactly-its-3 $((r2 + 3)) "$(rx h2)"
check_eq h3-exactly-its-3 $((r3 + 3)) "$(rx h3)"
check_eq h1-tx-no-route 0 "$(stat h1 ext tx_no_route)"

# The metadata can also come from a route (lwtunnel "encap ip"): h1's
# packets for 192.0.2.3 now take their tunnel key from the route.
on h1 tc filter del dev ext egress prio 3
on h1 ip route add 192.0.2.3/32 encap ip id 100 dst 198.51.100.3 ttl 20 dev ext
r2=$(rx h2)
r3=$(rx h3)
check ping-h3-via-encap-route ping_ok h1 192.0.2.3 3
check_ge h3-received-via-route $((r3 + 3)) "$(rx h3)"
check_eq h2-received-none-via-route "$r2" "$(rx h2)"

# A remote the underlay cannot reach: counted, no packet leaves.
on h1 ip neigh add 192.0.2.77 lladdr 02:00:00:00:00:77 dev ext
on h1 tc filter add dev ext egress prio 77 protocol ip flower dst_ip 192.0.2.77 \
	action tunnel_key set src_ip 198.51.100.1 dst_ip 203.0.113.77 id 100 dst_port 7081
check wire-counter wire_count h1
tx_before=$(stat h1 ext tx_packets)
send_pings h1 192.0.2.77 2
check_eventually_eq tx-no-route 10 2 stat h1 ext tx_no_route
check_eq unroutable-not-counted-as-sent "$tx_before" "$(stat h1 ext tx_packets)"
check_eq unroutable-not-on-the-wire 0 "$(wire_sent h1)"

check dmesg dmesg_clean
t_done
