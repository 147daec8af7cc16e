#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make demo-pipeline, inside utilities/mdtun-vm: an OpenFlow pipeline that
# resumes on the remote host.  Two hosts on the kernel datapath, each with
# an mdtun port carrying metadata, in_port and reg14-reg15
# (options:carry).  Host 1's table 0 classifies its endpoint's packets as
# an OVN-style logical switch would -- the logical datapath in metadata,
# the logical source port in reg14, the destination in reg15 -- and
# outputs them to the tunnel; host 2's table 0 matches those values on
# what arrives (and the sender's in_port in reg7, options:in_port_reg) and
# delivers.  No TLV map, no move flows.  Shown: the rules, the datagram
# decoded by the mdtun Wireshark dissector, the datapath flows,
# ofproto/trace on host 2, a wrong reg15 not delivered, and mdtun/show's
# per-field counters.
set -u
. "$(dirname "$0")/../../tests/ovs-kernel/lib.sh"
. "$(dirname "$0")/ovs-lib.sh"

demo_hosts

say "An mdtun port on each bridge that carries the pipeline's fields"
for h in 1 2; do
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow options:key=flow \
		options:carry=metadata,in_port,reg14-reg15 options:in_port_reg=reg7 \
		options:trusted_remotes=198.51.100.0/24 ||
		die "host $h: add-port failed"
	ofctl "$h" del-flows br0
done
run vsctl 2 list interface t0 | grep -E '^(name|options|status) '
echo "(no TLV map on either host:)"
run ofctl 1 dump-tlv-map br0

say "Host 1, stage 1: logical datapath 0x5, from logical port 1 to 2, out to host 2"
ofctl 1 add-flow br0 "cookie=0x1,in_port=p1,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:2->reg15,set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,output:t0"
ofctl 1 add-flow br0 "cookie=0x2,in_port=t0,metadata=0x5,reg15=1,actions=output:p1"
run ofctl 1 dump-flows br0 --no-stats
say "Host 2, stage 2: deliver what arrives for logical port 2 of datapath 0x5"
ofctl 2 add-flow br0 "cookie=0x3,priority=10,in_port=t0,metadata=0x5,reg14=1,reg15=2,reg7=1,actions=output:p2"
ofctl 2 add-flow br0 "cookie=0x4,priority=1,in_port=t0,actions=drop"
ofctl 2 add-flow br0 "cookie=0x5,in_port=p2,actions=set_field:0x5->metadata,set_field:2->reg14,set_field:1->reg15,set_field:198.51.100.1->tun_dst,set_field:0x2a->tun_id,output:t0"
run ofctl 2 dump-flows br0 --no-stats
settle 1 && settle 2 || die "ovs-vswitchd did not apply the flows"

say "Endpoint 1 pings endpoint 2 (capturing host 2's underlay)"
ping_captured

say "The datagram as host 2 received it, decoded by utilities/wireshark/mdtun.lua"
show_captured

say "Datapath flows: host 1 puts the fields in the tunnel ..."
show_flows "$flows1" 'set(tunnel'
say "... host 2 matches the values it restored"
show_flows "$flows2" 'tunnel('

say "ofproto/trace on host 2: table 0 starts with the sender's values"
# The echo request as host 2's datapath received it, on t0's datapath port.
dp_t0=$(appctl 2 dpif/show | sed -n 's/.* t0 [0-9]*\/\([0-9]*\): (mdtun.*/\1/p')
run appctl 2 ofproto/trace "tunnel(tun_id=0x2a,src=198.51.100.1,dst=198.51.100.2,ttl=64,tp_dst=7081,geneve({class=0xfff7,type=0x3,len=8,0x5}{class=0xfff7,type=0x4,len=4,0x1}{class=0xfff7,type=0x1e,len=4,0x1}{class=0xfff7,type=0x1f,len=4,0x2}),flags(+key)),in_port($dp_t0),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=192.0.2.1,dst=192.0.2.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)" |
	sed -n '/^bridge/,/^Final flow/p'

say "A wrong logical destination (reg15=3) from host 1 is not delivered"
ofctl 1 mod-flows br0 "cookie=0x1/-1,in_port=p1,actions=set_field:0x5->metadata,set_field:1->reg14,set_field:3->reg15,set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,output:t0"
appctl 1 revalidator/purge >/dev/null
if ine 1 busybox ping -c 2 -W 1 192.0.2.2 >/dev/null 2>&1; then
	echo "unexpected: delivered"
else
	echo "no reply, as expected"
fi
appctl 2 revalidator/wait && appctl 2 revalidator/wait
run ofctl 2 dump-flows br0 "in_port=t0"

say "ovs-appctl mdtun/show t0 on host 2 (the pipeline fields, per field)"
appctl 2 mdtun/show t0
