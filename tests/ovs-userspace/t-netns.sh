#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# mdtun between hosts on OVS's userspace datapath, on this machine: each
# host is a network namespace with its own ovsdb-server and ovs-vswitchd
# (datapath_type=netdev, no kernel module), in OVS's usual native
# tunnelling layout:
#
#   br-phy  the underlay: a veth to the next host, its internal port with
#           the host's underlay addresses (198.51.100.N/24,
#           2001:db8:100::N/64); OVS routes, resolves and pops tunnel
#           traffic there
#   br-int  the overlay: internal port vm0 (192.0.2.N/24, MTU 1400) and
#           mdtun port t0 (remote_ip=flow, key=flow, carry=mark)
#
#   hA (N=1) --veth-- hB (N=2) --veth-- hC (N=3)     hB's br-phy switches
#
# hA's and hC's flows send vm0's traffic to hB with tun_id 0x2a,
# tun_metadata0 0xabc and pkt_mark 0x77; hB trusts hA only
# (trusted_remotes=198.51.100.1,2001:db8:100::1) and delivers to its vm0
# only what arrives with that tun_id, tun_metadata0 and restored mark
# (flows with cookies 0x1 over IPv4, 0x3 over IPv6; the rest goes to the
# drop flow 0x2).  Checked: ping and a TCP transfer end to end, over IPv4
# and IPv6; a wrong tun_metadata0 or tun_id is not delivered; hC's
# packets, the same but from an untrusted sender, keep their mark
# unrestored and are not delivered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hosts.sh"
drop_cookie=0x2	# not_delivered: hB's drop flow

# setup_netns_host H TRUST: host H, its t0 with carry=mark trusting TRUST
# ("" for nobody), and the TLV map for tun_metadata0.
setup_netns_host() {
	setup_host "$1" options:carry=mark ${2:+options:trusted_remotes=$2} &&
	hofctl "$1" add-tlv-map "{class=0xffff,type=0x1,len=4}->tun_metadata0"
}

# send_flow H TUN_DST TUN_ID MD: host H's flow for what vm0 sends.
send_flow() {
	local field=tun_dst
	case $2 in *:*) field=tun_ipv6_dst ;; esac
	hofctl "$1" add-flow "priority=10,in_port=1,actions=set_field:$2->$field,set_field:$3->tun_id,set_field:$4->tun_metadata0,set_field:0x77->pkt_mark,output:2"
}

# counter H NAME: host H's userspace counter NAME of t0 (0 when mdtun/show
# lists it as zero, i.e. leaves it out of a section it does show).
counter() {
	local out
	out=$(happctl "$1" mdtun/show t0) &&
		printf '%s\n' "$out" | grep -q '^  userspace datapath (UDP port 7081):$' ||
		{ t_error "h$1: mdtun/show t0 has no userspace counters"; return 1; }
	printf '%s\n' "$out" | awk -v n="$2" '$1 == n ":" { v = $2 } END { print v + 0 }'
}

# ---- Setup ---------------------------------------------------------------

start_hosts
check "hA set up (trusts nobody)" setup_netns_host A ""
check "hB set up (trusts hA: 198.51.100.1, 2001:db8:100::1)" \
	setup_netns_host B "198.51.100.1,2001:db8:100::1"
check "hC set up (trusts nobody)" setup_netns_host C ""
check "veth hA-hB" link A B
check "veth hB-hC" link B C
for h in $hosts; do
	check "h$h: mdtun port t0 is up" hport_ok "$h" t0
done
check_match "hB: tnl/ports/show lists the mdtun UDP port" \
	'^mdtun_sys_7081 \([0-9]+\) ref_cnt=1$' happctl B tnl/ports/show

# ---- Flows ---------------------------------------------------------------

check "hA: vm0 to hB (198.51.100.2), tun_id 0x2a, tun_metadata0 0xabc, mark 0x77" \
	send_flow A 198.51.100.2 0x2a 0xabc
check "hC: the same, from untrusted hC" send_flow C 198.51.100.2 0x2a 0xabc
for h in A C; do
	check "h$h: t0 to vm0" hofctl "$h" add-flow "priority=10,in_port=2,actions=output:1"
done
check "hB: vm0 to hA (198.51.100.1)" hofctl B add-flow \
	"priority=10,in_port=1,actions=set_field:198.51.100.1->tun_dst,set_field:0x2a->tun_id,output:2"
check "hB delivers tun_id 0x2a, tun_metadata0 0xabc, mark 0x77 (cookie 0x1)" \
	hofctl B add-flow "cookie=0x1,priority=20,in_port=2,tun_id=0x2a,tun_metadata0=0xabc,pkt_mark=0x77,actions=output:1"
check "the same from 2001:db8:100::1 (cookie 0x3)" hofctl B add-flow \
	"cookie=0x3,priority=30,in_port=2,tun_ipv6_src=2001:db8:100::1,tun_id=0x2a,tun_metadata0=0xabc,pkt_mark=0x77,actions=output:1"
check "hB drops the rest from t0 (cookie 0x2)" \
	hofctl B add-flow "cookie=0x2,priority=1,in_port=2,actions=drop"

# check_transfer NAME: 2 MiB over TCP from hA to hB's vm0 (transfer); the
# sender must have run, and the receiver got the same length and hash.
check_transfer() {
	local tcp sent
	tcp=$(transfer A B)
	sent=$(printf '%s\n' "$tcp" | sed -n 1p)
	[[ $sent =~ ^2097152\ [0-9a-f]{64}$ ]] || t_error "the TCP client did not run: $tcp"
	check_eq "$1" "$sent" "$(printf '%s\n' "$tcp" | sed -n 2p)"
}

# ---- IPv4 underlay -------------------------------------------------------

check_within "hA pings hB's vm0 through mdtun (IPv4 underlay)" 30 \
	ping_ok A 192.0.2.2
check "and 5 of 5 pings" on A busybox ping -c 5 -A -W 2 192.0.2.2
check_transfer "TCP: 2 MiB from hA to hB's vm0, intact"
settle B
check_ge "hB delivered them with their metadata and restored mark (flow 0x1)" \
	6 "$(packets B 0x1)"
check_ge "hB counted the restored marks" 6 "$(counter B rx_mark_restored)"
check_match "hA's datapath flow pushes the VNI, tun_metadata0 and the mark" \
	'tnl_push\(tnl_port\([0-9]+\),header\(.*ipv4\(src=198\.51\.100\.1,dst=198\.51\.100\.2,proto=17,.*mdtun\(vni=0x2a,options\(\{class=0xffff,type=0x1,len=4,0x00000abc\}\{class=0xfff7,type=0x1,len=4,0x00000077\}\)\)\)' \
	happctl A dpctl/dump-flows


check "hA now sets tun_metadata0 0xbad" send_flow A 198.51.100.2 0x2a 0xbad
not_delivered "a wrong tun_metadata0" A
check "hA now sends with tun_id 0x2b" send_flow A 198.51.100.2 0x2b 0xabc
not_delivered "a wrong tun_id" A
check "hA sends as before" send_flow A 198.51.100.2 0x2a 0xabc
settle A
check_within "hA's pings arrive again" 10 ping_ok A 192.0.2.2

# hC sends what hA sends, but hB does not trust it: the mark is not
# restored, so the packets miss flow 0x1.  hA is silent meanwhile, so that
# the restore counter is hC's alone.
check "hA sends nothing for now" \
	hofctl A add-flow "priority=10,in_port=1,actions=drop"
settle A B
untrusted=$(counter B rx_carry_untrusted)
restored=$(counter B rx_mark_restored)
not_delivered "from an untrusted sender" C
check_ge "hB counted hC's marks as untrusted" $((untrusted + 1)) \
	"$(counter B rx_carry_untrusted)"
settle B
check_eq "and restored none of them" "$restored" "$(counter B rx_mark_restored)"

# ---- IPv6 underlay -------------------------------------------------------

check "hA: vm0 to hB again, over IPv6 (2001:db8:100::2)" \
	send_flow A 2001:db8:100::2 0x2a 0xabc
check "hB: vm0 to hA over IPv6 (2001:db8:100::1)" hofctl B add-flow \
	"priority=10,in_port=1,actions=set_field:2001:db8:100::1->tun_ipv6_dst,set_field:0x2a->tun_id,output:2"
settle A B
v6=$(packets B 0x3)
check_within "hA pings hB's vm0 through mdtun (IPv6 underlay)" 30 \
	ping_ok A 192.0.2.2
check_transfer "TCP over the IPv6 underlay, intact"
settle B
check_ge "hB delivered them through the IPv6 flow, mark restored (0x3)" \
	$((v6 + 2)) "$(packets B 0x3)"
check_match "hA's datapath flow pushes an IPv6 header" \
	'tnl_push\(tnl_port\([0-9]+\),header\(.*ipv6\(src=2001:db8:100::1,dst=2001:db8:100::2,.*mdtun\(vni=0x2a,' \
	happctl A dpctl/dump-flows

t_done
