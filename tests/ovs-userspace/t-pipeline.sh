#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The OpenFlow pipeline carried across mdtun on OVS's userspace datapath
# (options:carry=metadata,in_port,reg14-reg15 and options:in_port_reg=reg7:
# the sender's in_port in the receiver's reg7), three hosts as in t-netns
# (hosts.sh), and no TLV map and no move flows anywhere:
#
#   hA (N=1) --veth-- hB (N=2) --veth-- hC (N=3)
#
# An OVN-style two-stage pipeline: the sender's table 0 sets metadata (a
# datapath id, 0x5), reg14 (the logical source port) and reg15 (the
# logical destination) and outputs to t0; the receiver's table 0 matches
# in_port=t0 and those values and delivers: reg15=0x2 to vm0, reg15=0x3
# to vm1 (a second internal port, 192.0.2.1N), the rest to a drop flow.
# hB trusts hA (trusted_remotes=198.51.100.1) but not hC.
#
# Checked: the wire (hA's tnl_push header, bytes from the spec's TLV
# table, not from the code), delivery of the restored values, ofproto/trace
# showing them, a wrong value not delivered, a receiver whose carry lacks
# reg15 not restoring it, an untrusted sender's fields not restored and
# counted per field, and megaflow correctness: two streams that differ
# only in reg15, interleaved once their datapath flows exist, each reach
# only the port their value names.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hosts.sh"
drop_cookie=0xf	# not_delivered: hB's drop flow

carry=metadata,in_port,reg14-reg15

# setup_pipeline_host H TRUST: host H with t0 carrying $carry, trusting
# TRUST ("" for nobody), and a second VIF without an address, vm1
# (OpenFlow port 3).
setup_pipeline_host() {
	setup_host "$1" "options:carry=$carry" options:in_port_reg=reg7 \
		${2:+options:trusted_remotes=$2} &&
	hvsctl "$1" add-port br-int vm1 -- set interface vm1 type=internal \
		ofport_request=3 &&
	wait_until 10 on "$1" ip link show vm1 &&
	on "$1" sysctl -qw net.ipv6.conf.vm1.disable_ipv6=1 &&
	on "$1" ip link set vm1 up
}

# stage1 H TUN_DST IN_PORT REG15: host H's table 0 for what VIF IN_PORT
# sends: the logical datapath 0x5, source port IN_PORT, destination REG15.
stage1() {
	hofctl "$1" add-flow "priority=10,in_port=$3,actions=set_field:0x5->metadata,set_field:$3->reg14,set_field:$4->reg15,set_field:$2->tun_dst,set_field:0x2a->tun_id,output:2"
}

# stage2 H COOKIE_BASE: host H's table 0 for what t0 receives: reg15=0x2
# to vm0 (cookie BASE+1), reg15=0x3 to vm1 (BASE+2), the rest dropped
# (cookie 0xf).  Only metadata 0x5, a logical source port 1 or 3, and a
# packet that entered the sender's bridge on its port 1 (reg7).
stage2() {
	local src
	for src in 1 3; do
		hofctl "$1" add-flow "cookie=0x$(($2 + 1)),priority=20,in_port=2,metadata=0x5,reg14=$src,reg15=0x2,reg7=1,actions=output:1" &&
		hofctl "$1" add-flow "cookie=0x$(($2 + 2)),priority=20,in_port=2,metadata=0x5,reg14=$src,reg15=0x3,reg7=1,actions=output:3" ||
			return 1
	done
	hofctl "$1" add-flow "cookie=0xf,priority=1,in_port=2,actions=drop"
}

# field_counter H FIELD OUTCOME: host H's count of FIELD received with
# OUTCOME in mdtun/show t0 (pipeline_count, tests/lib/ovs.sh).
field_counter() { happctl "$1" mdtun/show t0 | pipeline_count "$2" "$3"; }

# ---- Setup ---------------------------------------------------------------

start_hosts
check "hA set up (carry=$carry, trusts hB)" setup_pipeline_host A 198.51.100.2
check "hB set up (carry=$carry, trusts hA only)" setup_pipeline_host B 198.51.100.1
check "hC set up (carry=$carry, trusts hB)" setup_pipeline_host C 198.51.100.2
check "veth hA-hB" link A B
check "veth hB-hC" link B C
for h in $hosts; do
	check "h$h: mdtun port t0 is up" hport_ok "$h" t0
done
check_eq "hB: carry read back in canonical form" '"metadata,in_port,reg14-reg15"' \
	"$(hvsctl B get interface t0 options:carry)"
check_eq "hB: no TLV map" "" \
	"$(hofctl B dump-tlv-map | sed -n 's/^ *0x[0-9a-f]* .*/&/p')"

for h in A C; do
	check "h$h: stage 1, vm0 -> hB, reg15=0x2" stage1 "$h" 198.51.100.2 1 0x2
	check "h$h: stage 2" stage2 "$h" 0x0
done
check "hB: stage 1, vm0 -> hA, reg15=0x2" stage1 B 198.51.100.1 1 0x2
check "hB: stage 2 (cookies 0x1 to vm0, 0x2 to vm1, 0xf dropped)" stage2 B 0x0
check_eq "no move flow on any host" "" \
	"$(for h in $hosts; do hofctl "$h" dump-flows | grep -e move -e tun_metadata; done)"

# ---- The pipeline resumes on the remote host ---------------------------

check_within "hA's vm0 pings hB's vm0: the remote pipeline matched the carried values" \
	30 ping_ok A 192.0.2.2
check "and 5 of 5 pings" on A busybox ping -c 5 -A -W 2 192.0.2.2
settle B
check_ge "hB delivered them by flow 0x1 (metadata=0x5,reg14=1,reg15=0x2,reg7=1)" 6 \
	"$(packets B 0x1)"
check_ge "hB counted metadata as restored" 1 "$(field_counter B metadata restored)"
check_ge "hB counted reg15 as restored" 1 "$(field_counter B reg15 restored)"

# docs/protocol.md section 6.1: class 0xfff7, type 0x03 metadata (8
# bytes), 0x10 + n regn (4 bytes), lowest type first.
check_match "hA's datapath flow pushes metadata, in_port, reg14, reg15 as well-known TLVs" \
	'tnl_push\(tnl_port\([0-9]+\),header\(.*mdtun\(vni=0x2a,options\(\{class=0xfff7,type=0x3,len=8,0x0000000000000005\}\{class=0xfff7,type=0x4,len=4,0x00000001\}\{class=0xfff7,type=0x1e,len=4,0x00000001\}\{class=0xfff7,type=0x1f,len=4,0x00000002\}\)\)\)' \
	happctl A dpctl/dump-flows

odp=$(happctl B dpif/show | sed -n 's/.*t0 2\/\([0-9]*\): (mdtun.*/\1/p')
trace=$(happctl B ofproto/trace ovs-netdev "recirc_id(0),tunnel(tun_id=0x2a,src=198.51.100.1,dst=198.51.100.2,ttl=64,tp_dst=7081,geneve({class=0xfff7,type=0x3,len=8,0x0000000000000005}{class=0xfff7,type=0x4,len=4,0x00000001}{class=0xfff7,type=0x1e,len=4,0x00000001}{class=0xfff7,type=0x1f,len=4,0x00000002}),flags(+key)),in_port($odp),eth(src=00:00:5e:00:53:01,dst=00:00:5e:00:53:02),eth_type(0x0800),ipv4(src=192.0.2.1,dst=192.0.2.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)" 2>&1)
check_match "ofproto/trace shows the restored fields" \
	'mdtun tunnel: restored metadata=0x5 reg7=0x1 \(in_port\) reg14=0x1 reg15=0x2' echo "$trace"
check_match "and the delivery to vm0 by the flow that matches them" 'reg7=0x1,reg14=0x1,reg15=0x2,metadata=0x5,in_port=2, priority 20, cookie 0x1' \
	echo "$trace"

# ---- Megaflow correctness ------------------------------------------------

# Two streams of one and the same frame, sent by hA with packet-out (as if
# from its port 1), that differ only in reg15: 0x2 must reach hB's vm0, 0x3 its vm1.  Each once,
# so that hB has their datapath flows; then interleaved.
frame=$(python3 "$top/tests/lib/mdtun_send.py" udp-frame 00:00:5e:00:53:fe 00:00:5e:00:53:ff \
	192.0.2.1 192.0.2.99 9 9 mdtn)
# stream H REG15: the frame, out of host H's t0 with the pipeline's values.
stream() {
	hofctl "$1" packet-out "in_port=1,packet=$frame,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:$2->reg15,set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,output:2"
}
# rx H VIF: the VIF's received packets, from the kernel's counters.
rx() {
	local n
	n=$(on "$1" cat "/sys/class/net/$2/statistics/rx_packets") &&
		[ -n "$n" ] || { t_error "h$1: no rx_packets for $2"; return 1; }
	echo "$n"
}
check "the reg15=0x2 stream once" stream A 0x2
check "the reg15=0x3 stream once" stream A 0x3
settle B
n0=$(rx B vm0) n1=$(rx B vm1) f1=$(packets B 0x1) f2=$(packets B 0x2)
for i in 1 2 3 4 5; do
	stream A 0x2 && stream A 0x3 || t_error "packet-out failed"
done
settle B
check_within "hB's vm0 received the 5 frames of reg15=0x2" 10 \
	test "$(rx B vm0)" -ge $((n0 + 5))
check_le "and no more than those (and 2 of ARP)" $((n0 + 7)) "$(rx B vm0)"
check_within "hB's vm1 received the 5 frames of reg15=0x3" 10 \
	test "$(rx B vm1)" -ge $((n1 + 5))
check_le "and no more than those" $((n1 + 5)) "$(rx B vm1)"
check_eq "hB's flow 0x1 (to vm0) counted them" $((f1 + 5)) "$(packets B 0x1)"
check_eq "hB's flow 0x2 (to vm1) counted them" $((f2 + 5)) "$(packets B 0x2)"
# dpctl prints an option's data as "0x2" when matched exactly, with
# "/mask" when not.
for v in 2 3; do
	check_match "hB has a datapath flow that matches reg15=0x$v exactly" \
		"^tunnel\\(.*\\{class=0xfff7,type=0x1f,len=4,0x$v\\}.*in_port\\(2\\)" \
		happctl B dpctl/dump-flows
done

# ---- Wrong values, carry, trust ------------------------------------------


check "hA now sets reg15=0x7" stage1 A 198.51.100.2 1 0x7
not_delivered "a wrong reg15" A
check "hA sends reg15=0x2 again" stage1 A 198.51.100.2 1 0x2

check "hB's t0 now carries metadata,in_port,reg14 only" \
	hvsctl B set interface t0 options:carry=metadata,in_port,reg14
check_within "hB's t0 is up with it" 10 hport_ok B t0
# Decisions are counted per upcall: the datapath flows that the new carry
# revalidated would take the packets without one.
check "hB's datapath flows flushed" happctl B dpctl/del-flows
before=$(field_counter B reg15 not_carried)
not_delivered "reg15 not in the receiver's carry" A
check_ge "hB counted reg15 as not carried" $((before + 1)) \
	"$(field_counter B reg15 not_carried)"
check "hB's t0 carries $carry again" \
	hvsctl B set interface t0 "options:carry=$carry"
check_within "hA's pings arrive again" 20 ping_ok A 192.0.2.2

# hC sends exactly what hA sends, but hB does not trust it.
check "hA sends nothing for now" \
	hofctl A add-flow "priority=10,in_port=1,actions=drop"
settle A B
untrusted=$(field_counter B reg15 untrusted)
restored=$(field_counter B reg15 restored)
not_delivered "from an untrusted sender" C
check_ge "hB counted hC's reg15 as untrusted" $((untrusted + 1)) \
	"$(field_counter B reg15 untrusted)"
check_ge "and its metadata" 1 "$(field_counter B metadata untrusted)"
check_eq "and restored none of them" "$restored" \
	"$(field_counter B reg15 restored)"

# ---- A TLV map of class 0xfff7 beside the carry --------------------------

# A controller that maps reg15's TLV itself sees it as tun_metadata5 on
# the same packets whose reg15 the port restores; and a sender's
# tun_metadata5 value wins over its reg15 (sent once, docs/protocol.md
# section 7, rule 4).
check "hA sends reg15=0x2 again" stage1 A 198.51.100.2 1 0x2
for h in A B; do
	check "h$h: TLV map {class=0xfff7,type=0x1f,len=4}->tun_metadata5" \
		hofctl "$h" add-tlv-map "{class=0xfff7,type=0x1f,len=4}->tun_metadata5"
done
check "hB delivers tun_metadata5=0x2 with reg15=0x2 (cookie 0x5)" \
	hofctl B add-flow "cookie=0x5,priority=30,in_port=2,tun_metadata5=0x2,reg15=0x2,reg7=1,actions=output:1"
settle A B
check_within "hA's pings arrive" 20 ping_ok A 192.0.2.2
settle B
check_ge "through the flow that matches tun_metadata5 and reg15" 1 \
	"$(packets B 0x5)"
check "hA's flow sets tun_metadata5=0x3 and reg15=0x2" hofctl A add-flow \
	"priority=10,in_port=1,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:0x2->reg15,set_field:0x3->tun_metadata5,set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,output:2"
settle A
f2=$(packets B 0x2)
check_fails "hA's pings now go to hB's vm1 (it has no address)" \
	on A busybox ping -c 2 -W 1 192.0.2.2
check_match "hA's header has tun_metadata5's value, and no second reg15" \
	'mdtun\(vni=0x2a,options\(\{class=0xfff7,type=0x1f,len=4,0x00000003\}\{class=0xfff7,type=0x3,len=8,0x0000000000000005\}\{class=0xfff7,type=0x4,len=4,0x00000001\}\{class=0xfff7,type=0x1e,len=4,0x00000001\}\)\)' \
	happctl A dpctl/dump-flows
check_within "hB restored reg15=0x3 from it (flow 0x2 to vm1)" 10 grown B 0x2 "$f2"

t_done
