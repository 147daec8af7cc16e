#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The OpenFlow pipeline carried across mdtun on the kernel datapath
# (options:carry=metadata,reg14,reg15): hosts 1-3 (lib.sh), no TLV map and
# no move flows.  An OVN-style two-stage pipeline: a sender's table 0 sets
# metadata (a datapath id, 0x5), reg14 (the logical source port, 1) and
# reg15 (the logical destination, 0x2) and outputs to t0; host 2's table 0
# matches in_port=t0 and those values and delivers: reg15=0x2 to its
# endpoint (cookie 0x1), reg15=0x3 to its internal port vm1 (cookie 0x2),
# the rest to a drop flow (cookie 0xf).  Host 2 trusts host 1, not host 3.
#
# Checked: the set(tunnel(...)) action and the wire (decoded by
# tests/lib/mdtun_decode.py, expected bytes from the spec's TLV table),
# delivery, a wrong value not delivered, a receiver whose carry lacks
# reg15, an untrusted sender (counted per field), and megaflow
# correctness: two packet-out streams of one frame that differ only in
# reg15, interleaved once their datapath flows exist, each reach only the
# port that its value names (the flows' counts and the ports' counters).
. "$(dirname "$0")/lib.sh"

carry=metadata,reg14,reg15
test_hosts 3

# stage1 HOST REG15: what the endpoint sends goes to host 2 (host 1 for
# host 2) with the logical datapath 0x5, source port 1, destination REG15.
stage1() {
	local dst=198.51.100.2
	[ "$1" = 2 ] && dst=198.51.100.1
	ofctl "$1" add-flow br0 "cookie=0x10,priority=10,in_port=p$1,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:$2->reg15,set_field:$dst->tun_dst,set_field:0x2a->tun_id,output:t0"
}

for h in 1 2 3; do
	trust=198.51.100.2
	[ "$h" = 2 ] && trust=198.51.100.1
	check "host $h: t0 with carry=$carry, trusting $trust" \
		vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
			options:remote_ip=flow options:key=flow \
			"options:carry=$carry" "options:trusted_remotes=$trust"
	check "host $h: t0 is up" wait_until 30 port_ok "$h" t0
	check "host $h: only our flows" ofctl "$h" del-flows br0
	check "host $h: stage 1, reg15=0x2" stage1 "$h" 0x2
done
check "host 2: internal port vm1" vsctl 2 add-port br0 vm1 -- \
	set interface vm1 type=internal
check "host 2: vm1 is up" wait_until 30 inh 2 ip link set vm1 up
check "host 2: stage 2" ofctl 2 add-flows br0 - <<EOF
cookie=0x1,priority=20,in_port=t0,metadata=0x5,reg14=1,reg15=0x2,actions=output:p2
cookie=0x2,priority=20,in_port=t0,metadata=0x5,reg14=1,reg15=0x3,actions=output:vm1
cookie=0xf,priority=1,in_port=t0,actions=drop
EOF
for h in 1 3; do
	check "host $h: what t0 receives goes to the endpoint" \
		ofctl "$h" add-flow br0 "cookie=0x1,priority=20,in_port=t0,actions=output:p$h"
done
for h in 1 2 3; do settle "$h"; done
check_eq "no TLV map on host 2" "" \
	"$(ofctl 2 dump-tlv-map br0 | grep -E '^ *0x[0-9a-f]+ ')"
check_eq "no move flows" "" \
	"$(for h in 1 2 3; do ofctl "$h" dump-flows br0; done | grep -e move -e tun_metadata)"

# ---- The pipeline resumes on host 2 ------------------------------------
echo "$T_NAME: host 1 to host 2, at $SECONDS s"
check "endpoint 1 reaches endpoint 2: host 2 matched the carried values" \
	ping_ok 1 2
check_ge "host 2 delivered by metadata=0x5,reg14=1,reg15=0x2 (cookie 0x1)" \
	2 "$(synced_n_packets 2 0x1)"
check_ge "host 2 counted reg15 as restored" 1 \
	"$(appctl 2 mdtun/show t0 | pipeline_count reg15 restored)"
check_ge "and metadata" 1 \
	"$(appctl 2 mdtun/show t0 | pipeline_count metadata restored)"
check_match "host 1's datapath action sets the fields as tunnel options" \
	'set\(tunnel\(tun_id=0x2a,dst=198\.51\.100\.2,.*geneve\(\{class=0xfff7,type=0x3,len=8,0x5\}\{class=0xfff7,type=0x1e,len=4,0x1\}\{class=0xfff7,type=0x1f,len=4,0x2\}\)' \
	appctl 1 dpctl/dump-flows

for h in 1 2; do appctl "$h" revalidator/purge >/dev/null; done
capture_start 2 1 --src 198.51.100.1
check "one more echo request" ine 1 busybox ping -c 1 -W 10 192.0.2.2
wire=$(capture_lines)
echo "$wire"
# docs/protocol.md section 6.1: class 0xfff7, metadata type 0x03 (8
# bytes), regN type 0x10 + N (4 bytes), lowest type first; no C flag.
check_match "on the wire: metadata, reg14 and reg15 as well-known TLVs" \
	'flags=0x0 vni=42 proto=0x6558 tlvs=fff7:03:0000000000000005,fff7:1e:00000001,fff7:1f:00000002 ' \
	echo "$wire"

# ---- Megaflow correctness ------------------------------------------------
echo "$T_NAME: two streams that differ only in reg15, at $SECONDS s"
frame=$("$PY" "$TLIB/mdtun_send.py" udp-frame 02:00:00:00:00:fe 02:00:00:00:00:02 \
	192.0.2.1 192.0.2.99 9 9 mdtn)
# stream REG15: the frame, out of host 1's t0 with the pipeline's values.
stream() {
	ofctl 1 packet-out br0 "in_port=controller,packet=$frame,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:$1->reg15,set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,output:t0"
}
# rx NS DEV: the device's received packets in namespace NS.
rx() {
	local n
	n=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets") &&
		[ -n "$n" ] || { t_error "no rx_packets for $2 in $1"; return 1; }
	echo "$n"
}
check "the reg15=0x2 stream once" stream 0x2
check "the reg15=0x3 stream once" stream 0x3
check_eventually_eq "host 2 delivered the first of each to vm1" 30 1 \
	synced_n_packets 2 0x2
n0=$(rx "$(ens 2)" eth0) n1=$(rx "$(hns 2)" vm1)
f1=$(synced_n_packets 2 0x1) f2=$(synced_n_packets 2 0x2)
for i in 1 2 3 4 5; do
	stream 0x2 && stream 0x3 || t_error "packet-out failed"
done
check_eventually_eq "host 2's flow 0x2 (to vm1) got the 5 reg15=0x3 frames" \
	30 $((f2 + 5)) synced_n_packets 2 0x2
# Endpoint 1's own traffic (IPv6) takes flow 0x1 too, now and then.
check_ge "host 2's flow 0x1 (to endpoint 2) got the 5 reg15=0x2 frames" \
	$((f1 + 5)) "$(synced_n_packets 2 0x1)"
check_le "and not the other 5" $((f1 + 7)) "$(synced_n_packets 2 0x1)"
check_eq "vm1 received exactly those 5" $((n1 + 5)) "$(rx "$(hns 2)" vm1)"
# The endpoints' own traffic (IPv6) may add a frame or two here.
check_ge "endpoint 2 received its 5" $((n0 + 5)) "$(rx "$(ens 2)" eth0)"
check_le "and not the other 5" $((n0 + 7)) "$(rx "$(ens 2)" eth0)"
for v in 2 3; do
	check_match "host 2 has a datapath flow that matches reg15=0x$v exactly" \
		"tunnel\\(.*\\{class=0xfff7,type=0x1f,len=4,0x$v\\}.*in_port\\(" \
		appctl 2 dpctl/dump-flows
done

# ---- Wrong values, carry, trust ------------------------------------------

# n_at_least HOST COOKIE N: the flow counted at least N packets.
n_at_least() { [ "$(synced_n_packets "$1" "$2")" -ge "$3" ]; }

# not_delivered NAME FROM: FROM's pings to endpoint 2 fail, host 2 drops
# them (0xf grows: they did arrive) and delivers none (0x1).
not_delivered() {
	local drops good
	drops=$(synced_n_packets 2 0xf) && good=$(synced_n_packets 2 0x1) ||
		return
	check "$1: endpoint $2's pings fail" ping_fails "$2" 2
	check_within "$1: host 2 dropped them" 30 n_at_least 2 0xf $((drops + 3))
	check_eq "$1: none was delivered" "$good" "$(synced_n_packets 2 0x1)"
}

echo "$T_NAME: wrong values, carry, trust, at $SECONDS s"
check "host 1 now sets reg15=0x7" stage1 1 0x7
settle 1
not_delivered "a wrong reg15" 1
check "host 1 sets reg15=0x2 again" stage1 1 0x2
settle 1

check "host 2's t0 now carries metadata,reg14 only" \
	vsctl 2 set interface t0 options:carry=metadata,reg14
check "host 2: t0 is up with it" wait_until 30 port_ok 2 t0
settle 2	# decisions are counted per upcall: no old datapath flows
before=$(appctl 2 mdtun/show t0 | pipeline_count reg15 not_carried)
not_delivered "reg15 not in host 2's carry" 1
check_ge "host 2 counted reg15 as not carried" $((before + 1)) \
	"$(appctl 2 mdtun/show t0 | pipeline_count reg15 not_carried)"
check "host 2's t0 carries $carry again" \
	vsctl 2 set interface t0 "options:carry=$carry"
settle 2
check "endpoint 1 reaches endpoint 2 again" ping_ok 1 2

check "host 1 sends nothing for now" \
	ofctl 1 add-flow br0 "cookie=0x10,priority=10,in_port=p1,actions=drop"
settle 1
settle 2
untrusted=$(appctl 2 mdtun/show t0 | pipeline_count reg15 untrusted)
restored=$(appctl 2 mdtun/show t0 | pipeline_count reg15 restored)
not_delivered "host 3, not trusted" 3
check_ge "host 2 counted host 3's reg15 as untrusted" $((untrusted + 1)) \
	"$(appctl 2 mdtun/show t0 | pipeline_count reg15 untrusted)"
check_eq "and restored none of them" "$restored" \
	"$(appctl 2 mdtun/show t0 | pipeline_count reg15 restored)"

t_done
