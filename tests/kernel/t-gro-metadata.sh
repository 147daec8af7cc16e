#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# GRO keeps each packet's metadata: segments of one TCP flow that differ
# only in their metadata (a carried mark or priority, a TLV) are never
# merged into one packet, and each arrives with its own values; identical
# ones still merge.
#
# h1 sends bursts of 16 mdtun datagrams in one UDP GSO send
# (tests/lib/mdtun_send.py tcp-burst), cut into datagrams by h1's
# underlay (no UDP segmentation offload), so that the burst reaches h2's
# GRO in one batch.  The datagrams carry consecutive segments of one inner
# TCP flow and the metadata areas the test chooses.  h2 has a fixed device
# m4 (VNI 42, remote h1, carry mark and priority) and a collect-metadata
# device ext on the same UDP port; tc on their ingress counts the segments
# by restored mark, priority, or TLV (tc counts every segment of a merged
# packet), and rx_packets counts the packets GRO made of them.
. "$(dirname "$0")/lib.sh"

check load load_mdtun
mkhosts 2
ctl h2 add m4 id 42 remote 198.51.100.1 carry mark,priority
ctl h2 add ext external
quiet h2 m4 ext
overlay h2 m4 192.0.2.2/24
on h2 ip link set ext up
m4_mac=$(on h2 cat /sys/class/net/m4/address)
# As a NIC without offloads: the checksums are computed in software, and
# h2's GRO verifies them before it looks at the tunnel.
check no-segmentation-offload-on-h1 on h1 ethtool -K ul tx-udp-segmentation off tso off
check gro-on-h2-underlay set_gro h2 ul on
on h2 tc qdisc add dev m4 clsact
on h2 tc qdisc add dev ext clsact
for v in 1 2; do
	on h2 tc filter add dev m4 ingress prio "$v" protocol ip \
		basic match "meta(nf_mark eq $v)" action continue
	on h2 tc filter add dev m4 ingress prio "$((10 + v))" protocol ip \
		basic match "meta(priority eq $v)" action continue
	on h2 tc filter add dev ext ingress prio "$v" protocol ip flower \
		enc_key_id 7 geneve_opts "0102:01:0000000$v" action continue
done

# The metadata areas: a carried mark or priority of 1 or 2 (class fff7),
# a foreign TLV of class 0x0102 with the value 1 or 2.
MARK1=fff7010100000001
MARK2=fff7010100000002
PRIO1=fff7020100000001
PRIO2=fff7020100000002
TLV1=0102010100000001
TLV2=0102010100000002

# counted_ge DEV BASE N: tc has counted N segments with value 1 or 2.
counted_ge() {
	local a b
	a=$(tc_hits h2 "$1" ingress $(($2 + 1))) &&
	b=$(tc_hits h2 "$1" ingress $(($2 + 2))) && [ $((a + b)) -ge "$3" ]
}

# burst NAME DEV VNI MDS PACKETS COUNTS: one burst of 16 to h2's DEV with
# the metadata areas MDS in turn; h2 must make PACKETS packets of it (its
# rx_packets), and the tc counters for value 1 and 2 (marks, priorities
# or TLVs, by the first area's kind) must grow by COUNTS ("N1 N2").
burst() {
	local name=$1 dev=$2 vni=$3 mds=$4 want_pkts=$5 want=$6 base
	case $mds in
	fff701*) base=0 ;;
	fff702*) base=10 ;;
	*) base=0 ;;
	esac
	local rx c1 c2
	rx=$(stat h2 "$dev" rx_packets)
	c1=$(tc_hits h2 "$dev" ingress $((base + 1)))
	c2=$(tc_hits h2 "$dev" ingress $((base + 2)))
	check "$name: sent" on h1 "$PY" "$TLIB/mdtun_send.py" tcp-burst \
		198.51.100.1 198.51.100.2 "$vni" "$m4_mac" 16 "$mds"
	# All 16 counted by value: every segment has arrived.
	wait_until 10 counted_ge "$dev" "$base" $((c1 + c2 + 16))
	check_eq "$name: each segment with its own value" "$want" \
		"$(( $(tc_hits h2 "$dev" ingress $((base + 1))) - c1 )) $(( $(tc_hits h2 "$dev" ingress $((base + 2))) - c2 ))"
	check_eq "$name: $want_pkts packets made of the 16" "$want_pkts" \
		"$(( $(stat h2 "$dev" rx_packets) - rx ))"
}

burst identical-marks-merge m4 42 "$MARK1" 1 "16 0"
burst alternating-marks m4 42 "$MARK1,$MARK2" 16 "8 8"
burst marks-in-pairs m4 42 "$MARK1,$MARK1,$MARK2,$MARK2" 8 "8 8"
burst alternating-priorities m4 42 "$PRIO1,$PRIO2" 16 "8 8"
burst identical-tlvs-merge ext 7 "$TLV1" 1 "16 0"
burst alternating-tlvs ext 7 "$TLV1,$TLV2" 16 "8 8"
# Without GRO on the underlay, only the devices' own GRO could merge.
check gro-off-on-h2-underlay set_gro h2 ul off
burst alternating-marks-device-gro m4 42 "$MARK1,$MARK2" 16 "8 8"
burst alternating-tlvs-device-gro ext 7 "$TLV1,$TLV2" 16 "8 8"

check dmesg dmesg_clean
t_done
