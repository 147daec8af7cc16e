#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The main job's demo, run inside utilities/mdtun-vm (make demo): the OVS
# path.  Two hosts, each with its own ovsdb-server and ovs-vswitchd on the
# kernel datapath and an mdtun port (vport-mdtun.ko, autoloaded).  Host 1's
# OpenFlow rules put metadata on the packets of its endpoint -- the tunnel
# key, a Geneve-style TLV (tun_metadata0) and the packet mark, which mdtun
# carries as its own TLV; host 2's rules deliver only packets that carry
# the expected TLV and restored mark.  Shown: the rules, the packet as
# captured on the underlay and decoded by the mdtun Wireshark dissector,
# the datapath flows on both sides, the OpenFlow counters (a packet with a
# wrong value is not delivered), and ovs-appctl mdtun/show with the
# kernel device's counters.
#
# The hosts come from the OVS tests' helpers (tests/ovs-kernel/lib.sh).
set -u
. "$(dirname "$0")/../../tests/ovs-kernel/lib.sh"
. "$(dirname "$0")/ovs-lib.sh"

demo_hosts

say "An mdtun port on each bridge (metadata from the flow)"
for h in 1 2; do
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow options:key=flow \
		options:carry=mark options:trusted_remotes=198.51.100.0/24 ||
		die "host $h: add-port failed"
	ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x80,len=4}->tun_metadata0"
	ofctl "$h" del-flows br0
done
run vsctl 1 show
echo "(the kernel datapath of host 1, as ovs-vswitchd names the ports:)"
appctl 1 dpctl/show | grep -E 'port|system@'
lsmod | grep -E '^(vport_mdtun|mdtun|openvswitch) '

say "Host 1's rules: set the tunnel metadata, then output to t0"
ofctl 1 add-flow br0 "cookie=0x1,in_port=p1,ip,actions=set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,set_field:0xc0ffee->tun_metadata0,set_field:0x55->pkt_mark,output:t0"
ofctl 1 add-flow br0 "cookie=0x2,in_port=t0,actions=output:p1"
run ofctl 1 dump-flows br0 --no-stats
say "Host 2's rules: deliver only tun_id=0x2a with tun_metadata0=0xc0ffee and mark 0x55"
ofctl 2 add-flow br0 "cookie=0x3,priority=10,in_port=t0,tun_src=198.51.100.1,tun_id=0x2a,tun_metadata0=0xc0ffee,pkt_mark=0x55,actions=output:p2"
ofctl 2 add-flow br0 "cookie=0x4,priority=5,in_port=t0,actions=drop"
ofctl 2 add-flow br0 "cookie=0x5,in_port=p2,ip,actions=set_field:198.51.100.1->tun_dst,set_field:0x2a->tun_id,output:t0"
run ofctl 2 dump-flows br0 --no-stats
# Once both daemons have taken in the new TLV map and flows.
settle 1 && settle 2 || die "ovs-vswitchd did not apply the flows"

say "Endpoint 1 pings endpoint 2 through the tunnel (capturing host 2's underlay)"
ping_captured

say "One datagram as host 2 received it, decoded by utilities/wireshark/mdtun.lua"
show_captured

say "Datapath flows: host 1 sets the tunnel with the TLV ..."
show_flows "$flows1" 'set(tunnel'
say "... host 2 matches on what arrived (restored mark in skb_mark)"
show_flows "$flows2" 'tunnel('

say "A wrong metadata value (0xbad) from host 1 is not delivered"
ofctl 1 mod-flows br0 "cookie=0x1/-1,in_port=p1,ip,actions=set_field:198.51.100.2->tun_dst,set_field:0x2a->tun_id,set_field:0xbad->tun_metadata0,set_field:0x55->pkt_mark,output:t0"
appctl 1 revalidator/purge >/dev/null
if ine 1 busybox ping -c 2 -W 1 192.0.2.2 >/dev/null 2>&1; then
	echo "unexpected: delivered"
else
	echo "no reply, as expected"
fi
# The OpenFlow counters once OVS has pulled the datapath's.
appctl 2 revalidator/wait && appctl 2 revalidator/wait
run ofctl 2 dump-flows br0 "in_port=t0"

say "ovs-appctl mdtun/show on host 2 (options and kernel counters)"
appctl 2 mdtun/show
