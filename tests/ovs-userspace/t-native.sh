#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# mdtun on the userspace datapath, in the style of OVS's own
# tests/tunnel-push-pop.at: dummy datapaths and ports (ovs-vswitchd
# --enable-dummy), no kernel module, no network.
#
#   br0     (dummy)  p0, 198.51.100.1/24, MAC 00:00:5e:00:53:01: the underlay
#   int-br  (dummy)  the overlay: mdtun ports t1 (UDP 7081, carry=mark) and
#                    t2 (UDP 7082, carry=mark,priority), both remote_ip=flow,
#                    key=flow, trusted_remotes=198.51.100.2; p1 (ofport 10)
#
# Receive: every wire vector (tests/data/mdtun-vectors.txt) arrives on p0
# for t1 with netdev-dummy/receive, from a trusted and from an untrusted
# sender, and then datagrams for the receiver rules after the codec's;
# native_plan.py says, from the vector file's designed verdicts and the
# receiver rules of docs/protocol.md, which counter each must move and
# with which metadata (tun_id, tun_src, tun_metadata, pkt_mark, OAM) the
# valid ones must reach int-br.  Send: the spec's worked example (section
# 11) set up with OpenFlow must leave p0 through t2 as exactly the spec's
# bytes; dpctl/dump-flows shows the header, dpctl/add-flow takes it back;
# a relay through t2 carries the mark and priority it restored; headers
# that cannot be built fail the action, visibly and counted.
. "$(dirname "$0")/lib.sh"

VSWITCHD_OPTS=--enable-dummy
vectors=$top/tests/data/mdtun-vectors.txt
ofctl() { ovs-ofctl "$@"; }

# native_counters [PORT UDP]: the userspace datapath counters of mdtun port
# PORT (t1) on UDP port UDP (7081) in mdtun/show, one "name=value" per
# line (the non-zero ones); fails when mdtun/show does not show them.
native_counters() {
	local port=${1:-t1} udp=${2:-7081} out sect
	out=$(appctl mdtun/show "$port") ||
		{ t_error "mdtun/show $port failed"; return 1; }
	sect=$(printf '%s\n' "$out" | awk -v h="  userspace datapath (UDP port $udp):" '
		$0 == h { on = 1; found = 1; next }
		/^  [^ ]/ { on = 0 }
		on && /^    [a-z0-9_]+: [0-9]+$/ { sub(/^    /, ""); sub(/: /, "="); print }
		END { if (!found) print "MISSING" }')
	if [ "$sect" = MISSING ]; then
		t_error "mdtun/show $port has no userspace datapath counters"
		return 1
	fi
	printf '%s\n' "$sect" | sort
}

# counter_delta BEFORE AFTER: what moved between two native_counters
# outputs, "name=N,..." sorted by name, "-" if nothing.
counter_delta() {
	awk -F= 'NR == FNR { if ($1 != "") before[$1] = $2; next }
		$1 != "" && $2 != before[$1] {
			out = out (out == "" ? "" : ",") $1 "=" ($2 - before[$1]) }
		END { print out == "" ? "-" : out }' \
		<(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# packets COOKIE: n_packets of int-br's flow with that cookie.
packets() {
	local n
	n=$(ofctl dump-flows int-br "cookie=$1/-1" |
		sed -n 's/.* n_packets=\([0-9]*\),.*/\1/p')
	[ -n "$n" ] || { t_error "no int-br flow with cookie $1"; return 1; }
	echo "$n"
}

# moved BEFORE: native_counters differs from BEFORE.
moved() { [ "$(native_counters)" != "$1" ]; }
# arrived N: int-br's two flows for t1 counted more than N packets.
arrived() { [ $(($(packets 0x1) + $(packets 0x2))) -gt "$1" ]; }

# clear_tlv_map: no flows in int-br, then no TLV map.  OVS refuses to clear
# a mapping while deleted flows still hold it (they are freed after an RCU
# grace period), so the clear is retried for a while.
clear_tlv_map() {
	ofctl del-flows int-br && wait_until 5 ofctl del-tlv-map int-br
}

# fixed_re TEXT: TEXT as an extended regex that matches only itself.
fixed_re() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|/]/\\&/g'; }

# ---- Setup ---------------------------------------------------------------

echo "$T_NAME: OVS from $ovs, run dir $tmp"
if ! start_ovsdb || ! start_vswitchd; then
	fail "daemons start" "$(tail -n 20 "$tmp"/*.log 2>/dev/null)"
	t_done
fi
pass "ovsdb-server and ovs-vswitchd (dummy datapaths) start"
check "underlay bridge br0 with dummy port p0" \
	vsctl add-br br0 -- set bridge br0 datapath_type=dummy \
	other-config:hwaddr=00:00:5e:00:53:01 \
	-- add-port br0 p0 -- set interface p0 type=dummy ofport_request=1
check "overlay bridge int-br with mdtun ports t1, t2 and dummy port p1" \
	vsctl add-br int-br -- set bridge int-br datapath_type=dummy \
	-- add-port int-br t1 -- set interface t1 type=mdtun ofport_request=2 \
	options:remote_ip=flow options:key=flow options:carry=mark \
	options:trusted_remotes=198.51.100.2 \
	-- add-port int-br t2 -- set interface t2 type=mdtun ofport_request=3 \
	options:remote_ip=flow options:key=flow options:carry=mark,priority \
	options:trusted_remotes=198.51.100.2 options:dst_port=7082 \
	-- add-port int-br p1 -- set interface p1 type=dummy ofport_request=10
check "t1 is up" port_ok t1
check "t2 is up" port_ok t2
check "br0 has 198.51.100.1/24" appctl netdev-dummy/ip4addr br0 198.51.100.1/24
# Tunnel routes are looked up with the packet's mark too.
check "route to 198.51.100.0/24 via br0" \
	appctl ovs/route/add 198.51.100.0/24 br0
check "the same route for pkt_mark 0x1234" \
	appctl ovs/route/add 198.51.100.0/24 br0 pkt_mark=0x1234
check "198.51.100.2 is at 00:00:5e:00:53:02" \
	appctl tnl/arp/set br0 198.51.100.2 00:00:5e:00:53:02
check "br0 forwards normally" ofctl add-flow br0 actions=normal
check "int-br's TLV map (native_plan.py)" ofctl add-tlv-map int-br \
	"{class=0x102,type=0x80,len=4}->tun_metadata0,{class=0xfff7,type=0x1,len=4}->tun_metadata1,{class=0xfff7,type=0x81,len=4}->tun_metadata2,{class=0xfff7,type=0x83,len=8}->tun_metadata3,{class=0xfff0,type=0xc0,len=0}->tun_metadata4"
check "int-br counts what t1 delivers (cookie 0x2)" \
	ofctl add-flow int-br "cookie=0x2,priority=1,in_port=2,actions=drop"

check_match "tnl/ports/show lists the mdtun UDP ports" \
	'^mdtun_sys_7081 \(7081\) ref_cnt=1 mdtun_sys_7082 \(7082\) ref_cnt=1 $' \
	sh -c "ovs-appctl -t '$tmp/ovs-vswitchd.ctl' tnl/ports/show | tail -n +2 | sort | tr '\n' ' '"

# ---- Receive ---------------------------------------------------------------

plan=$(/usr/bin/python3 "$top/tests/ovs-userspace/native_plan.py" "$vectors") ||
	t_error "native_plan.py failed"

# ofproto/trace of an mdtun datagram to br0: popped to t1's datapath port.
check_match "ofproto/trace: an mdtun datagram to 198.51.100.1 is popped" \
	'^Datapath actions: tnl_pop\(7081\)$' \
	appctl ofproto/trace ovs-dummy 'in_port(1),eth(src=00:00:5e:00:53:02,dst=00:00:5e:00:53:01),eth_type(0x0800),ipv4(src=198.51.100.2,dst=198.51.100.1,proto=17,tos=0,ttl=64,frag=no),udp(src=40000,dst=7081)'

start_counters=$(native_counters)
while read -r name src frame want match; do
	[ "$name" = counters ] && { total=$src; continue; }
	before=$(native_counters) || break
	caught=$(packets 0x2) || break
	if [ "$match" != - ]; then
		ofctl del-flows int-br "cookie=0x1/-1"
		ofctl add-flow int-br \
			"cookie=0x1,priority=100,in_port=2,$match,actions=drop" ||
			t_error "cannot add the flow for $name"
	fi
	# Every datagram is an upcall, so that flow counters move at once.
	appctl dpctl/del-flows >/dev/null
	appctl netdev-dummy/receive p0 "$frame" >/dev/null ||
		t_error "netdev-dummy/receive failed for $name"
	if [ "$match" = - ]; then
		wait_until 5 moved "$before"
		check_eq "$name from $src: dropped and counted once as $want" \
			"$want" "$(counter_delta "$before" "$(native_counters)")"
	else
		wait_until 5 arrived "$caught"
		check_eq "$name from $src: delivered with $match; counters $want" \
			"1 $caught $want" \
			"$(packets 0x1) $(packets 0x2) $(counter_delta "$before" "$(native_counters)")"
	fi
done <<<"$plan"
check_eq "the batch moved these counters and no other: $total" "$total" \
	"$(counter_delta "$start_counters" "$(native_counters)")"

# ---- Send ----------------------------------------------------------------

# The spec's worked example (docs/protocol.md, section 11): VNI 5001, the
# OVN-like critical option, mark 0x1234 and priority 0x10003 (set_queue's
# queue number is the userspace datapath's priority), the ICMP echo
# request inside.  The UDP payload must be the vector spec-example.
spec=$(awk '$1 == "spec-example" { print $3 }' "$vectors")
inner=${spec:64}
check "int-br sends p1's frames through t2 as the worked example" \
	ofctl add-flow int-br "priority=10,in_port=10,actions=set_field:198.51.100.2->tun_dst,set_field:5001->tun_id,set_field:0x10002->tun_metadata0,set_field:0x1234->pkt_mark,set_queue:65539,output:3"
check "capture p0's transmissions" \
	vsctl set interface p0 "options:tx_pcap=$tmp/p0-tx.pcap"
check "the worked example's inner frame arrives on p1" \
	appctl netdev-dummy/receive p1 "$inner"
# udp_payloads: the UDP payloads to ports 7081 and 7082 that p0 sent, in hex.
udp_payloads() {
	/usr/bin/python3 - "$tmp/p0-tx.pcap" "$top/tests/lib" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
from mdtun_decode import frames
for f in frames(open(sys.argv[1], "rb").read()):
    if f[12:14] == b"\x08\x00" and f[23] == 17:
        udp = f[14 + (f[14] & 0xF) * 4:]
        sport, dport, ulen = struct.unpack("!HHH", udp[:6])
        if dport in (7081, 7082):
            print(udp[8:ulen].hex())
PY
}
check_eventually_eq "p0 sends the spec's worked example, byte for byte" 5 \
	"$spec" udp_payloads

header="header(size=74,type=200,eth(dst=00:00:5e:00:53:02,src=00:00:5e:00:53:01,dl_type=0x0800),ipv4(src=198.51.100.1,dst=198.51.100.2,proto=17,tos=0,ttl=64,frag=0x4000),udp(src=0,dst=7082,csum=0x0),mdtun(crit,vni=0x1389,options({class=0x102,type=0x80,len=4,0x00010002}{class=0xfff7,type=0x1,len=4,0x00001234}{class=0xfff7,type=0x2,len=4,0x00010003})))"
# p1's datapath port number (the dummy datapath picks it).
p1=$(appctl dpif/show | sed -n 's|^ *p1 10/\([0-9]*\): .*|\1|p')
[ -n "$p1" ] || t_error "no datapath port number for p1 in dpif/show"
pushed=$(appctl dpctl/dump-flows | grep "in_port($p1)")
echo "      datapath flow: $pushed"
check_eq "dpctl/dump-flows: one flow from p1" 1 "$(printf '%s\n' "$pushed" | grep -c .)"
check_match "dpctl/dump-flows shows the mdtun header, after mark and priority" \
	"actions:set\\(skb_priority\\(0x10003\\)\\),set\\(skb_mark\\(0x1234\\)\\),tnl_push\\(tnl_port\\(7082\\),$(fixed_re "$header"),out_port\\(100\\)\\),1$" \
	printf '%s\n' "$pushed"
check_match "ofproto/trace gives the same header" "$(fixed_re "$header")" \
	appctl ofproto/trace int-br in_port=10

# dpctl/add-flow takes the dumped actions back, and dumps them the same.
# (The key is OVS's: dpctl reads "packet_type(ns=0,id=0),eth_type(...)"
# without eth() as an L3 packet type.)
key=${pushed%%, packets:*}
actions=${pushed##*actions:}
check "datapath flows flushed" appctl dpctl/del-flows
check "dpctl/add-flow takes the dumped flow" \
	appctl dpctl/add-flow "$key" "$actions"
check_eq "and dpctl/dump-flows shows its actions as they were" "$actions" \
	"$(appctl dpctl/dump-flows | grep "in_port($p1)" | sed 's/.*actions://')"
# add_push PORT HEADER: a datapath flow from PORT pushing the 8-byte mdtun
# HEADER (the text after "udp(...),") behind the worked example's outer
# headers.
outer=${header/size=74/size=50}
outer=${outer%%mdtun(*}
add_push() {
	appctl dpctl/add-flow "recirc_id(0),in_port($1),eth(),eth_type(0x1234)" \
		"tnl_push(tnl_port(7082),$outer$2),out_port(100))"
}
# Bytes the text form would not reproduce (reserved flag bits set) are
# shown, and read back, as hex.
check "dpctl/add-flow takes mdtun(hex=...)" \
	add_push 11 "mdtun(hex=1300655800000100)"
check_match "and shows it so" "$(fixed_re "${outer}mdtun(hex=1300655800000100))")" \
	appctl dpctl/dump-flows
check "dpctl/add-flow takes the largest VNI" add_push 12 "mdtun(vni=0xffffff)"
check_match "and shows it" "$(fixed_re "${outer}mdtun(vni=0xffffff))")" \
	appctl dpctl/dump-flows
check_error "dpctl/add-flow refuses a VNI over 24 bits" "parsing actions" \
	add_push 13 "mdtun(vni=0x1000000)"

# A relay: what t2 receives with VNI 0x77 goes back out through t2 with
# VNI 0x88, and the mark and priority restored from the first header are
# carried in the second.  Three datagrams, the second with another mark
# than the first, the third with another priority than the second, must
# leave with their own: the datapath flow has to match the fields its
# header copies (the header build un-wildcards them), else a datagram
# would reuse the previous one's header.  Without a TLV map the received TLVs are no
# tun_metadata of the flow: the second header's are the carried fields.
check "flows and TLV map cleared" clear_tlv_map
relay=set_field:198.51.100.2-\>tun_dst,set_field:0x88-\>tun_id,in_port
check "int-br relays VNI 0x77 as VNI 0x88 back through t2" \
	ofctl add-flow int-br "in_port=3,tun_id=0x77,actions=$relay"
for mark in 0x11 0x22; do
	appctl ovs/route/add 198.51.100.0/24 br0 "pkt_mark=$mark" >/dev/null ||
		t_error "no route for pkt_mark $mark"
done
# relay_md VNI MARK PRIORITY: the metadata area of a datagram with VNI,
# mark and priority (8 hex digits each).
relay_md() { echo "10046558${1}00fff70101${2}fff70201${3}"; }
check "datapath flows flushed before the relay" appctl dpctl/del-flows
fields="00000011:00010003 00000022:00010003 00000022:00020005"
for m in $fields; do
	appctl netdev-dummy/receive p0 "$(/usr/bin/python3 \
		"$top/tests/ovs-userspace/native_plan.py" --frame 198.51.100.2 7082 \
		"$(relay_md 000077 "${m%:*}" "${m#*:}")$inner")" >/dev/null ||
		t_error "cannot send the relay's $m"
done
relayed=$spec
for m in $fields; do
	relayed+=$'\n'"$(relay_md 000088 "${m%:*}" "${m#*:}")$inner"
done
check_eventually_eq "the relayed datagrams carry their own restored fields" 5 \
	"$relayed" udp_payloads
check_eq "t2 restored three marks and priorities" \
	"rx_mark_restored=3,rx_priority_restored=3" \
	"$(native_counters t2 7082 | grep restored | paste -sd, -)"

# ---- Headers that cannot be built ------------------------------------------

# refused NAME COUNTER WHY FLOW-ACTIONS: with FLOW-ACTIONS on p1's frames,
# the trace says the header build failed and pushes nothing, COUNTER moves
# by one (one translation), and the log says WHY.
refused() {
	local before
	ofctl del-flows int-br in_port=10
	ofctl add-flow int-br "priority=10,in_port=10,actions=$4" ||
		t_error "cannot add the flow for $1"
	before=$(native_counters t2 7082)
	t_run appctl ofproto/trace int-br in_port=10
	if grep -q 'native tunnel header build failed' "$t_out" &&
		grep -q '^Datapath actions: ' "$t_out" &&
		! grep -q 'tnl_push' "$t_out"; then
		pass "$1: the action fails in ofproto/trace"
	else
		fail "$1: the action fails in ofproto/trace" "$(tail -n 12 "$t_out")"
	fi
	check_eq "$1: counted once as $2" "$2=1" \
		"$(counter_delta "$before" "$(native_counters t2 7082)")"
	check_match "$1: logged" "t2: tunnel header not built \\($2\\): $3" \
		cat "$tmp/ovs-vswitchd.log"
}
to=set_field:198.51.100.2-\>tun_dst
refused "VNI 0x1000000" tx_bad_options "VNI 0x1000000 does not fit in 24 bits" \
	"$to,set_field:0x1000000->tun_id,output:3"
check "TLV map: a well-known priority TLV 8 bytes long" \
	ofctl add-tlv-map int-br "{class=0xfff7,type=0x2,len=8}->tun_metadata5"
refused "a priority TLV of 8 bytes" tx_bad_options \
	"tun_metadata \\(12 bytes\\): well-known TLV" \
	"$to,set_field:1->tun_metadata5,output:3"
# 256 bytes of options: over the 252 a header holds.  (OVS's own Geneve
# encoder has no room for them either.)
check "flows and TLV map cleared for 256 bytes of options" clear_tlv_map
check "TLV map: two 124-byte options" ofctl add-tlv-map int-br \
	"{class=0xffff,type=0x1,len=124}->tun_metadata10,{class=0xffff,type=0x2,len=124}->tun_metadata11"
refused "256 bytes of options" tx_md_too_long "tun_metadata \\(256 bytes\\)" \
	"$to,set_field:1->tun_metadata10,set_field:2->tun_metadata11,output:3"
# 248 bytes of options fit, but not with the carried mark after them.
check "flows and TLV map cleared again" clear_tlv_map
check "TLV map: 124- and 116-byte options" ofctl add-tlv-map int-br \
	"{class=0xffff,type=0x1,len=124}->tun_metadata10,{class=0xffff,type=0x2,len=116}->tun_metadata11"
refused "248 bytes of options and the carried mark" tx_md_too_long \
	"no room for the carried mark after 248 bytes" \
	"$to,set_field:1->tun_metadata10,set_field:2->tun_metadata11,output:3"
check "ovs-vswitchd is still running" appctl version

t_done
