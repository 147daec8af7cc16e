#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The kernel datapath and the userspace datapath talk mdtun to each other.
# Host 1 is the usual kernel-datapath host (lib.sh); host 2 runs its
# bridges on the userspace datapath (datapath_type=netdev): br0 with its
# endpoint's port and the mdtun port t0, and brp with the underlay device
# ul, whose address moves to brp's internal port (OVS's native tunnelling
# layout: the tunnel's outer packets leave through brp's port ul).
#
# Both hosts set the same metadata on what they send (tun_id 0x5a,
# tun_metadata0 0xa1b2c3d4, pkt_mark 0x55 carried, and the OpenFlow
# pipeline's metadata 0x5, reg14 1 and reg15 2 carried) and deliver what
# they receive only with that metadata (and the mark and the pipeline
# fields restored from the trusted peer).  Checks:
#   (a) ping both ways, each direction delivered by the metadata flow;
#   (b) the mdtun header and TLV bytes that each datapath puts on the wire
#       for that same input are identical (captured on host 1's underlay,
#       decoded by tests/lib/mdtun_decode.py, UDP source port aside);
#   (c) the mark is restored by each receiver: the pkt_mark flows count;
#   (d) a packet with another tun_metadata0 value is not delivered by
#       either side (the flow for it counts, the delivery flow does not).
. "$(dirname "$0")/lib.sh"

# The userspace datapath's internal ports are tap devices.
check "modprobe tun, /dev/net/tun" sh -c 'modprobe tun &&
	{ [ -c /dev/net/tun ] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; }; }'
test_hosts 2

# ---- Host 2 on the userspace datapath ----------------------------------------
echo "$T_NAME: host 2 moves to the userspace datapath, at $SECONDS s"
ul1_mac=$(inh 1 cat /sys/class/net/ul/address)
check "host 2: br0 and brp on the userspace datapath" \
	vsctl 2 -- del-br br0 \
		-- add-br br0 -- set bridge br0 datapath_type=netdev \
		-- add-port br0 p2 \
		-- add-br brp -- set bridge brp datapath_type=netdev \
		-- add-port brp ul
check "host 2: brp's internal port exists" \
	wait_until 30 inh 2 ip link show brp
check "host 2: the underlay address on brp" \
	inh 2 sh -c 'ip addr flush dev ul &&
		ip addr add 198.51.100.2/24 dev brp &&
		ip link set brp up'
check "host 2: OVS's route table has the underlay" \
	wait_until 30 sh -c "ovs-appctl -t $tmp/2/ovs-vswitchd.ctl ovs/route/show | grep -q '198.51.100.0/24 dev brp'"
# OVS's userspace datapath looks up a tunnel's route by the packet's mark:
# the marked packets need a route of their own.
check "host 2: a route for packets marked 0x55" \
	appctl 2 ovs/route/add 198.51.100.0/24 brp pkt_mark=0x55
check "host 2: host 1's underlay MAC in OVS's neighbour table" \
	appctl 2 tnl/neigh/set brp 198.51.100.1 "$ul1_mac"
# The endpoints' frames cross AF_PACKET sockets on host 2: no checksum
# offload there (ICMP carries full checksums anyway).
ine 2 ethtool -K eth0 tx off >/dev/null 2>&1

for h in 1 2; do
	peer=$((3 - h))
	check "host $h: mdtun port t0 to host $peer, key=flow, carry=mark, trusting it" \
		vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
			options:remote_ip="$(under_ip "$peer")" options:key=flow \
			options:carry=mark,metadata,reg14,reg15 \
			options:trusted_remotes="$(under_ip "$peer")/32"
	check "host $h: t0 is up" wait_until 30 port_ok "$h" t0
	check "host $h: TLV map class 0x0102 type 0x80 -> tun_metadata0" \
		ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x80,len=4}->tun_metadata0"
	# replace-flows: also the bridge's default NORMAL flow goes.
	check "host $h: flows" ofctl "$h" replace-flows br0 - <<EOF
cookie=0x10,priority=10,in_port=p$h,icmp,actions=set_field:0x5a->tun_id,set_field:0xa1b2c3d4->tun_metadata0,set_field:0x55->pkt_mark,set_field:0x5->metadata,set_field:1->reg14,set_field:2->reg15,output:t0
cookie=0x11,priority=10,in_port=p$h,udp,actions=set_field:0x5a->tun_id,set_field:0x1111->tun_metadata0,output:t0
cookie=0x20,priority=20,in_port=t0,tun_id=0x5a,tun_metadata0=0xa1b2c3d4,pkt_mark=0x55,metadata=0x5,reg14=1,reg15=2,actions=output:p$h
cookie=0x21,priority=15,in_port=t0,tun_id=0x5a,tun_metadata0=0xa1b2c3d4,actions=drop
cookie=0x22,priority=10,in_port=t0,actions=drop
EOF
	settle "$h"
done
check "host 2: tnl/ports/show lists the mdtun UDP port" \
	sh -c "ovs-appctl -t $tmp/2/ovs-vswitchd.ctl tnl/ports/show | grep -q '^mdtun_sys_7081 (.*) ref_cnt='"

# ---- (a)-(c) both ways, same metadata ----------------------------------------
echo "$T_NAME: (a)-(c) ping both ways, at $SECONDS s"
check "endpoint 1 reaches endpoint 2 (and back) through mdtun" ping_ok 1 2
for h in 1 2; do appctl "$h" revalidator/purge >/dev/null; done
capture_start 1 2
check "one more echo request and its reply" \
	ine 1 busybox ping -c 1 -W 10 192.0.2.2
wire=$(capture_lines)
echo "$wire"
# mdtun_header SRC: the mdtun header and TLVs of the datagram from SRC.
mdtun_header() {
	echo "$wire" | awk -v src="src=$1" '$1 == src {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^(ver|flags|vni|proto|tlvs)=/) printf "%s ", $i
		print ""; n++ }
		END { if (n != 1) { print "ERROR: mdtun_header: " n " datagrams from " src > "/dev/stderr"; exit 1 } }'
}
kernel_hdr=$(mdtun_header 198.51.100.1)
user_hdr=$(mdtun_header 198.51.100.2)
# From docs/protocol.md: version 1, the C flag (type 0x80 is critical),
# VNI 0x5a, Ethernet, the flow's option, the pipeline's fields (the
# well-known class 0xfff7: metadata type 3, reg14 0x1e, reg15 0x1f), then
# the mark that the device carries (type 1).
check_eq "the kernel datapath's header is the designed one" \
	"ver=1 flags=0x4 vni=90 proto=0x6558 tlvs=0102:80:a1b2c3d4,fff7:03:0000000000000005,fff7:1e:00000001,fff7:1f:00000002,fff7:01:00000055 " \
	"$kernel_hdr"
check_eq "the userspace datapath's header is byte for byte the same" \
	"$kernel_hdr" "$user_hdr"
for h in 1 2; do
	check_ge "host $h: the mark and the pipeline fields were restored (cookie 0x20)" \
		2 "$(synced_n_packets "$h" 0x20)"
	check_eq "host $h: nothing arrived without the mark (cookie 0x21)" \
		0 "$(synced_n_packets "$h" 0x21)"
done

# ---- (d) other metadata is not delivered ---------------------------------------
echo "$T_NAME: (d) other tun_metadata0, at $SECONDS s"
for h in 1 2; do
	before=$(synced_n_packets "$((3 - h))" 0x22)
	ine "$h" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"x" * 32, (sys.argv[1], 9))' "$(over_ip "$((3 - h))")"
	check_eventually_eq "host $((3 - h)): three datagrams with tun_metadata0 0x1111 dropped (cookie 0x22)" \
		30 $((before + 3)) synced_n_packets "$((3 - h))" 0x22
done

t_done
