#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Three hosts (see lib.sh), each with one mdtun port t0 (remote_ip=flow,
# key=flow) on the kernel datapath, driven by OpenFlow rules the way an SDN
# controller would: the sender's flow for each destination MAC sets tun_dst
# (or tun_ipv6_dst), tun_id and tun_metadata0; the receiver delivers a
# packet only if tun_src, tun_id and tun_metadata0 are those it expects
# from that sender, and counts everything else in a drop flow.
#
# Checks: (a) the remote comes from the flow: one port reaches two hosts,
# and a host sees none of the traffic meant for the other; (b) key=flow: a
# wrong tun_id is dropped; (c) ofproto/trace and dpctl/dump-flows show the
# metadata and the mdtun port; (d) a packet-out from ovs-ofctl with
# metadata arrives with it; (e) IPv6 underlay; (f) a geneve port on the
# same bridges works beside mdtun; (g) carry/trusted_remotes changed on a
# running port reach the kernel device, the receiver restores the packet
# mark set by the sender's flow, and mdtun/show shows the kernel counters;
# (h) the generic options tos, ttl, df_default, csum and local_ip reach the
# wire as they do for geneve.
. "$(dirname "$0")/lib.sh"

test_hosts 3

# meta_of J: the tun_metadata0 value that host J's packets carry.
meta_of() { printf '0x%x' $((0x100 + $1)); }
# key_of H J: the tun_id of packets from host H to host J.
key_of() { printf '0x%d%d' "$1" "$2"; }

# send_flow H J [PORT [v4|v6 [KEY]]]: host H's flow (cookie 0x1J) for
# packets to endpoint J.
send_flow() {
	local h=$1 j=$2 port=${3:-t0} af=${4:-v4} key=${5:-$(key_of "$1" "$2")} dst
	if [ "$af" = v6 ]; then
		dst="set_field:$(under_ip6 "$j")->tun_ipv6_dst"
	else
		dst="set_field:$(under_ip "$j")->tun_dst"
	fi
	ofctl "$h" add-flow br0 "cookie=0x1$j,priority=10,in_port=p$h,dl_dst=$(mac "$j"),actions=$dst,set_field:$key->tun_id,set_field:$(meta_of "$h")->tun_metadata0,output:$port"
}

# recv_flow H J [PORT [v4|v6]]: host H delivers (cookie 0x3J) what comes
# from host J with J's key and metadata.
recv_flow() {
	local h=$1 j=$2 port=${3:-t0} af=${4:-v4} src
	if [ "$af" = v6 ]; then
		src="tun_ipv6_src=$(under_ip6 "$j")"
	else
		src="tun_src=$(under_ip "$j")"
	fi
	ofctl "$h" del-flows br0 "cookie=0x3$j/-1" &&
	ofctl "$h" add-flow br0 "cookie=0x3$j,priority=10,in_port=$port,$src,tun_id=$(key_of "$j" "$h"),tun_metadata0=$(meta_of "$j"),actions=output:p$h"
}

setup_host() {
	local h=$1 j
	vsctl "$h" add-port br0 t0 -- set interface t0 type=mdtun \
		options:remote_ip=flow options:key=flow &&
	ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x80,len=4}->tun_metadata0" &&
	ofctl "$h" del-flows br0 &&
	ofctl "$h" add-flow br0 "cookie=0x40,priority=5,in_port=t0,actions=drop" || return 1
	for j in 1 2 3; do
		[ "$j" = "$h" ] && continue
		send_flow "$h" "$j" && recv_flow "$h" "$j" || return 1
	done
	settle "$h"
}

for h in 1 2 3; do
	check "host $h: t0 (remote_ip=flow key=flow), TLV map, flows" setup_host "$h"
	check "host $h: t0 up" port_ok "$h" t0
done
check_match "t0 is a vport of type mdtun (vport-mdtun.ko)" \
	'mdtun_sys_7081 \(mdtun' appctl 1 dpctl/show

# ---- (a) The remote comes from the flow ---------------------------------------------
echo "$T_NAME: (a) The remote comes from the flow, at $SECONDS s"

h3_before=$(n_packets 3 0x31)
check_match "1 -> 2: ping" ' 0% packet loss' ping_ok 1 2
check_eq "  host 3 delivered nothing from host 1" "$h3_before" "$(synced_n_packets 3 0x31)"
check_eq "  and dropped nothing" 0 "$(n_packets 3 0x40)"
h2_before=$(synced_n_packets 2 0x31)
check_match "1 -> 3: ping through the same port" ' 0% packet loss' ping_ok 1 3
check_eq "  host 2 delivered nothing more from host 1" "$h2_before" "$(synced_n_packets 2 0x31)"
check_ge "  host 3 delivered host 1's packets (tun_src, tun_id, tun_metadata0 matched)" \
	3 "$(synced_n_packets 3 0x31)"
check_match "2 -> 3: ping" ' 0% packet loss' ping_ok 2 3

# ---- (c) What OVS shows -------------------------------------------------------------------
echo "$T_NAME: (c) What OVS shows, at $SECONDS s"

trace=$(appctl 1 ofproto/trace br0 "in_port=p1,dl_src=$(mac 1),dl_dst=$(mac 2),ip,nw_src=192.0.2.1,nw_dst=192.0.2.2" 2>&1)
# (OVS prints set_field on tun_dst and tun_id as NXM loads.)
flat_trace() { printf '%s\n' "$trace" | tr '\n' ' '; }
check_match "ofproto/trace: the OpenFlow actions set tun_dst, tun_id, the TLV" \
	'load:0xc6336402->NXM_NX_TUN_IPV4_DST\[\].*load:0x12->NXM_NX_TUN_ID\[\].*set_field:0x101->tun_metadata0.*output to kernel tunnel' \
	flat_trace
check_match "ofproto/trace: the datapath action sets the tunnel with the TLV" \
	'Datapath actions: set\(tunnel\(tun_id=0x12,dst=198\.51\.100\.2,.*geneve\(\{class=0x102,type=0x80,len=4,0x101\}\).*\)\),[0-9]+' \
	echo "$trace"
ofport=$(dpctl 1 show | sed -n 's/.*port \([0-9]*\): mdtun_sys_7081.*/\1/p')
check_match "  ... output to the mdtun vport (datapath port $ofport)" \
	"Datapath actions: set\\(tunnel\\(.*\\)\\),$ofport\$" echo "$trace"
ping_ok 1 2 >/dev/null
check_match "dpctl/dump-flows (receiver): tunnel(tun_id=0x12,src=198.51.100.1,...geneve(0x101))" \
	'tunnel\(tun_id=0x12,src=198\.51\.100\.1,.*geneve\(\{class=0x102,type=0x80,len=4,0x101\}' \
	appctl 2 dpctl/dump-flows

# ---- (b) key=flow ----------------------------------------------------------------------
echo "$T_NAME: (b) key=flow, at $SECONDS s"

check "host 1 now sends to host 2 with tun_id 0x99" send_flow 1 2 t0 v4 0x99
appctl 1 revalidator/purge >/dev/null
d_before=$(synced_n_packets 2 0x40)
ok_before=$(synced_n_packets 2 0x31)
check "  ping fails" ping_fails 1 2
check_eq "  host 2 delivered none of them" "$ok_before" "$(synced_n_packets 2 0x31)"
check_ge "  host 2's drop flow counted them" $((d_before + 3)) "$(synced_n_packets 2 0x40)"
check "host 1 back to tun_id 0x12" send_flow 1 2
check_match "  ping works again" ' 0% packet loss' ping_ok 1 2

# ---- (d) packet-out with metadata ---------------------------------------------------------
echo "$T_NAME: (d) packet-out with metadata, at $SECONDS s"

frame=$("$PY" "$TLIB/mdtun_send.py" udp-frame "$(mac 1)" "$(mac 2)" \
	192.0.2.1 192.0.2.2 40000 40001 'packet-out with metadata')
check "host 2: a flow for tun_metadata0=0xabcd (cookie 0x50)" \
	ofctl 2 add-flow br0 "cookie=0x50,priority=20,in_port=t0,tun_src=198.51.100.1,tun_id=0x77,tun_metadata0=0xabcd,actions=output:p2"
capture_start 2 3 --src 198.51.100.1
for i in 1 2 3; do
	ofctl 1 packet-out br0 CONTROLLER \
		"set_field:198.51.100.2->tun_dst,set_field:0x77->tun_id,set_field:0xabcd->tun_metadata0,output:t0" \
		"$frame" || fail "packet-out $i refused"
done
check_eq "three packet-outs arrived with tun_id 0x77 and tun_metadata0 0xabcd" 3 \
	"$(synced_n_packets 2 0x50)"
wire=$(capture_lines)
echo "$wire"
# vni_tlvs: "VNI TLVS" of each decoded datagram.
vni_tlvs() { echo "$wire" | sed -n 's/.* vni=\([0-9]*\) .* tlvs=\([^ ]*\) .*/\1 \2/p'; }
check_eq "  on the wire: VNI 0x77 (119) and the TLV, three times" \
	"$(printf '119 0102:80:0000abcd\n%.0s' 1 2 3)" "$(vni_tlvs)"

# ---- (e) IPv6 underlay -----------------------------------------------------------------
echo "$T_NAME: (e) IPv6 underlay, at $SECONDS s"

v6_flows() {
	send_flow 1 3 t0 v6 && recv_flow 1 3 t0 v6 &&
	send_flow 3 1 t0 v6 && recv_flow 3 1 t0 v6
}
check "1 <-> 3 over IPv6: flows set tun_ipv6_dst, match tun_ipv6_src" v6_flows
appctl 1 revalidator/purge >/dev/null
appctl 3 revalidator/purge >/dev/null
capture_start 3 2 --family 6 --src 2001:db8:1::1
check_match "1 -> 3: ping over the IPv6 underlay" ' 0% packet loss' ping_ok 1 3
wire=$(capture_lines)
echo "$wire"
addrs_vni_tlvs() {
	echo "$wire" | sed -n 's/^src=\([^ ]*\) dst=\([^ ]*\) .* vni=\([0-9]*\) .* tlvs=\([^ ]*\) .*/\1 \2 \3 \4/p'
}
check_eq "  IPv6 datagrams 2001:db8:1::1 -> 2001:db8:1::3, VNI 0x13, the TLV" \
	"$(printf '2001:db8:1::1 2001:db8:1::3 19 0102:80:00000101\n%.0s' 1 2)" \
	"$(addrs_vni_tlvs)"
check_match "  dpctl/dump-flows (sender) shows ipv6_dst" \
	'set\(tunnel\(tun_id=0x13,ipv6_dst=2001:db8:1::3' appctl 1 dpctl/dump-flows

# ---- (f) A geneve port beside ------------------------------------------------------------
echo "$T_NAME: (f) A geneve port beside, at $SECONDS s"

geneve_pair() {
	local h j
	for h in 1 2; do
		j=$((3 - h))
		vsctl "$h" add-port br0 g0 -- set interface g0 type=geneve \
			options:remote_ip=flow options:key=flow &&
		ofctl "$h" add-flow br0 "cookie=0x41,priority=5,in_port=g0,actions=drop" &&
		send_flow "$h" "$j" g0 && recv_flow "$h" "$j" g0 || return 1
	done
}
check "hosts 1 and 2: geneve port g0; 1 <-> 2 now through it" geneve_pair
check "  g0 up" port_ok 1 g0
check_match "  the datapath has a geneve vport ..." 'genev_sys_6081 \(geneve' appctl 1 dpctl/show
check_match "  ... beside the mdtun vport" 'mdtun_sys_7081 \(mdtun' appctl 1 dpctl/show
check_match "1 -> 2 over geneve" ' 0% packet loss' ping_ok 1 2
check_match "1 -> 3 over mdtun at the same time" ' 0% packet loss' ping_ok 1 3
check_match "  host 1 sent to 2 through geneve (set tunnel, output geneve vport)" \
	'eth\(dst=02:00:00:00:00:02\).*set\(tunnel\(tun_id=0x12,dst=198\.51\.100\.2,.*tp_dst=6081' \
	appctl 1 dpctl/dump-flows
for h in 1 2; do
	send_flow "$h" $((3 - h)) && recv_flow "$h" $((3 - h))
done
check "g0 deleted on host 1" vsctl 1 del-port br0 g0
check "g0 deleted on host 2" vsctl 2 del-port br0 g0
check_nomatch "  geneve vport gone, 1 <-> 2 back on mdtun" genev_sys dpctl 1 show
check_match "  ping" ' 0% packet loss' ping_ok 1 2

# ---- (g) carry and trusted_remotes on a running port; counters ------------------------
echo "$T_NAME: (g) carry and trusted_remotes on a running port; counters, at $SECONDS s"

dev_json() { inh "$1" mdtun-ctl show mdtun_sys_7081 --json; }
check_match "host 2's kernel device carries nothing yet" '"carry": *"none"|"carry": *\[\]|"carry": *""' dev_json 2
check "host 1: t0 carry=mark (a running port)" vsctl 1 set interface t0 options:carry=mark
check "host 2: t0 carry=mark trusted_remotes=198.51.100.1/32" \
	vsctl 2 set interface t0 options:carry=mark options:trusted_remotes=198.51.100.1/32
# (The plugin updates the device from ovs-vswitchd's main loop, right
# after the reconfiguration: wait for its log line.)
logged_change() { grep -q 'kernel device mdtun_sys_7081 now has carry=mark' "$tmp/$1/ovs-vswitchd.log"; }
check_within "  ovs-vswitchd logged the change" 30 logged_change 2
check_match "  pushed to host 2's kernel device: carry" '"carry": *"mark"|"carry": *\["mark"\]' dev_json 2
check_match "  and trust" '198\.51\.100\.1/32' dev_json 2
check_within "  host 1's too" 30 logged_change 1
check_match "  host 1's device has it" '"carry": *"mark"|"carry": *\["mark"\]' dev_json 1
# The sender's flow sets the packet mark; the receiver matches the mark
# that mdtun.ko restored from the TLV.
check "host 1: flow to host 2 also sets pkt_mark=0x55" \
	ofctl 1 add-flow br0 "cookie=0x12,priority=10,in_port=p1,dl_dst=$(mac 2),actions=set_field:198.51.100.2->tun_dst,set_field:0x12->tun_id,set_field:0x101->tun_metadata0,set_field:0x55->pkt_mark,output:t0"
check "host 2: delivers pkt_mark=0x55 from host 1 (cookie 0x60)" \
	ofctl 2 add-flow br0 "cookie=0x60,priority=20,in_port=t0,tun_src=198.51.100.1,pkt_mark=0x55,actions=output:p2"
appctl 1 revalidator/purge >/dev/null
check_match "1 -> 2: ping with the mark" ' 0% packet loss' ping_ok 1 2
check_ge "  host 2 matched pkt_mark=0x55 on received packets" 3 "$(synced_n_packets 2 0x60)"
show=$(appctl 2 mdtun/show t0)
echo "$show"
check_match "mdtun/show: kernel device and its carry" \
	'kernel device: mdtun_sys_7081 \(ifindex [0-9]+, mtu [0-9]+, carry mark\)' echo "$show"
check_match "mdtun/show: kernel rx counters" 'rx: packets [1-9][0-9]* bytes' echo "$show"
check_match "mdtun/show: the driver's carry counter" 'rx_mark_restored: [1-9]' echo "$show"
check "host 2: trusted_remotes removed" vsctl 2 remove interface t0 options trusted_remotes
trusts_nobody() { ! dev_json 2 | grep -q '198\.51\.100\.1/32' && dev_json 2 >/dev/null; }
check_within "  the kernel device trusts nobody again" 30 trusts_nobody
check_match "  its status warns that carried fields are not restored" \
	'mdtun_warning=.*not restored|mdtun_warning="carry set' vsctl 2 get interface t0 status

# ---- (h) The generic tunnel options, as for geneve ---------------------------------
echo "$T_NAME: (h) The generic tunnel options, as for geneve, at $SECONDS s"

field() { echo "$2" | head -n 1 | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
capture_start 2 1 --src 198.51.100.1
ine 1 busybox ping -c 1 -W 2 192.0.2.2 >/dev/null 2>&1
wire=$(capture_lines)
echo "$wire"
check_eq "defaults: DF set (df_default=true)" 1 "$(field df "$wire")"
check_eq "defaults: no UDP checksum (csum=false)" 0x0000 "$(field csum "$wire")"
check "host 1: t0 tos=0x28 ttl=17 df_default=false csum=true local_ip=198.51.100.1" \
	vsctl 1 set interface t0 options:tos=0x28 options:ttl=17 \
	options:df_default=false options:csum=true options:local_ip=198.51.100.1
appctl 1 revalidator/purge >/dev/null
capture_start 2 1 --src 198.51.100.1
ine 1 busybox ping -c 1 -W 2 192.0.2.2 >/dev/null 2>&1
flows=$(appctl 1 dpctl/dump-flows)	# before they expire
wire=$(capture_lines)
echo "$wire"
check_eq "  outer TOS from options:tos" 0x28 "$(field tos "$wire")"
check_eq "  outer TTL from options:ttl" 17 "$(field ttl "$wire")"
check_eq "  DF clear (df_default=false)" 0 "$(field df "$wire")"
check_match "  a UDP checksum (csum=true)" '^0x([1-9a-f]...|0[1-9a-f]..|00[1-9a-f].|000[1-9a-f])$' \
	field csum "$wire"
check_match "  the datapath action has src (local_ip), tos, ttl and csum" \
	'set\(tunnel\(tun_id=0x12,src=198\.51\.100\.1,dst=198\.51\.100\.2,tos=0x28,ttl=17,.*flags\((csum\|key|key\|csum)\)' \
	echo "$flows"

check "no kernel warnings" sh -c "! dmesg | grep -E 'WARNING:|BUG:|Oops'"
echo "---- openvswitch.ko's complaints, if any"
dmesg | grep -i 'openvswitch' | sed 's/^\[[^]]*\] //' | sort | uniq -c | tail -n 5
t_done
