#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# TCP throughput through the OVS kernel datapath (openvswitch.ko), mdtun
# next to geneve and to no tunnel at all, in the same run (inside
# utilities/mdtun-vm; make bench).  The topology is the OVS kernel tests'
# (tests/ovs-kernel/lib.sh, used here): two hosts with their own
# ovs-vswitchd and a bridge br0 each, endpoint K behind br0's port pK,
# the hosts' underlay devices on a Linux bridge in the namespace "sw".
# br0 of each host holds one port per row, all at once:
#   notunnel     nt, a veth to the same Linux bridge in "sw": the bridges
#                joined on the underlay, no tunnel;
#   geneve       g0, type=geneve, remote_ip of the other host, key 42;
#   geneve_tlv4  g4, the same with key 43, and four tun_metadata fields
#                (class 0x0102, types 1-4, 4 bytes each) set by OpenFlow
#                on every packet (like for like with mdtun_tlv4);
#   mdtun        t0, type=mdtun, key 42;
#   mdtun_tlv4   m4, type=mdtun, key 43, the four tun_metadata fields;
#   mdtun_carry  tc, type=mdtun on UDP 7082, carry=mark,priority (the
#                sender's flow sets pkt_mark and a queue, i.e. the skb
#                priority; the receiver's flow matches the restored mark);
#   mdtun_pipeline  tp, type=mdtun on UDP 7083, key 45,
#                carry=metadata,reg0-reg3: the sender's flow sets the
#                OpenFlow metadata and four registers, the receiver's table
#                0 matches them as restored (the cost of carrying the
#                pipeline, against plain mdtun).
# A send flow on each host (cookie 0x10) sends the endpoint's packets out
# of the row's port; receive flows (one per port, cookie 0x2N) deliver to
# the endpoint, those of the TLV rows only with all four values, that of
# the carry row only with the mark.  Each run checks that the traffic went
# where it should: the row's receive flow on host 2 and its kernel device
# counted packets, no other receive flow did.  REPS interleaved runs
# (default 5) of iperf3 for SECONDS (default 3), rotating order, median and
# min-max, ratios to geneve; the last line ("bench-json {...}") is for make
# bench's results file.
T_NAME=bench-ovs-kernel
. "$(cd "$(dirname "$0")/../.." && pwd)/tests/ovs-kernel/lib.sh"
. "$top/utilities/bench/lib.sh"	# bench_stats, bench_ratio

secs=${BENCH_SECONDS:-3}
reps=${BENCH_REPS:-5}

die() {
	echo "bench ovs-kernel: $*" >&2
	t_fail=1	# t_cleanup shows the daemons' logs
	exit 1
}

peers=(notunnel geneve geneve_tlv4 mdtun mdtun_tlv4 mdtun_carry mdtun_pipeline)
declare -A port=([notunnel]=nt [geneve]=g0 [geneve_tlv4]=g4 [mdtun]=t0
	[mdtun_tlv4]=m4 [mdtun_carry]=tc [mdtun_pipeline]=tp)
# The receive flows' cookies, and the kernel device each row arrives on.
declare -A cookie=([notunnel]=0x20 [geneve]=0x21 [geneve_tlv4]=0x22
	[mdtun]=0x23 [mdtun_tlv4]=0x24 [mdtun_carry]=0x25 [mdtun_pipeline]=0x26)
declare -A kdev=([notunnel]=nt [geneve]=genev_sys_6081 [geneve_tlv4]=genev_sys_6081
	[mdtun]=mdtun_sys_7081 [mdtun_tlv4]=mdtun_sys_7081 [mdtun_carry]=mdtun_sys_7082
	[mdtun_pipeline]=mdtun_sys_7083)
TLV4="set_field:0x1->tun_metadata0,set_field:0x2->tun_metadata1,set_field:0x3->tun_metadata2,set_field:0x4->tun_metadata3"
TLV4_MATCH="tun_metadata0=0x1,tun_metadata1=0x2,tun_metadata2=0x3,tun_metadata3=0x4"
PIPE="set_field:0x5->metadata,set_field:0x1->reg0,set_field:0x2->reg1,set_field:0x3->reg2,set_field:0x4->reg3"
PIPE_MATCH="metadata=0x5,reg0=0x1,reg1=0x2,reg2=0x3,reg3=0x4"
# send_actions PEER: the send flow's actions for PEER.
send_actions() {
	case $1 in
	*_tlv4) echo "$TLV4,output:${port[$1]}" ;;
	mdtun_carry) echo "set_field:0x55->pkt_mark,set_queue:5,output:tc" ;;
	mdtun_pipeline) echo "$PIPE,output:tp" ;;
	*) echo "output:${port[$1]}" ;;
	esac
}

# ---- Hosts, ports, flows -----------------------------------------------------

install_modules || die "modules not installed for modprobe"
modprobe openvswitch || die "modprobe openvswitch"
add_hosts 2 || die "hosts not set up: $(tail -n 5 "$tmp"/*/*.log 2>/dev/null)"
echo "bench ovs-kernel: hosts up at $SECONDS s"

# ports H: host H's ports to the other host, the TLV map and the flows.
ports() {
	local h=$1 o=$((3 - $1)) far p
	far=$(under_ip "$o")
	ip link add nt netns "$(hns "$h")" type veth peer name "n$h" netns sw &&
	ip -n sw link set "n$h" master br0 up &&
	ip -n "$(hns "$h")" link set nt up &&
	vsctl "$h" add-port br0 nt \
		-- add-port br0 g0 -- set interface g0 type=geneve \
			options:remote_ip="$far" options:key=42 \
		-- add-port br0 g4 -- set interface g4 type=geneve \
			options:remote_ip="$far" options:key=43 \
		-- add-port br0 t0 -- set interface t0 type=mdtun \
			options:remote_ip="$far" options:key=42 \
		-- add-port br0 m4 -- set interface m4 type=mdtun \
			options:remote_ip="$far" options:key=43 \
		-- add-port br0 tc -- set interface tc type=mdtun \
			options:remote_ip="$far" options:key=44 options:dst_port=7082 \
			options:carry=mark,priority \
			options:trusted_remotes=198.51.100.0/24 \
		-- add-port br0 tp -- set interface tp type=mdtun \
			options:remote_ip="$far" options:key=45 options:dst_port=7083 \
			options:carry=metadata,reg0-reg3 || return 1
	for p in nt g0 g4 t0 m4 tc tp; do port_ok "$h" "$p" || return 1; done
	ofctl "$h" del-flows br0 &&
	ofctl "$h" del-tlv-map br0 &&
	ofctl "$h" add-tlv-map br0 "{class=0x0102,type=0x01,len=4}->tun_metadata0,{class=0x0102,type=0x02,len=4}->tun_metadata1,{class=0x0102,type=0x03,len=4}->tun_metadata2,{class=0x0102,type=0x04,len=4}->tun_metadata3" &&
	ofctl "$h" add-flows br0 - <<-EOF &&
		cookie=0x10,priority=10,in_port=p$h,actions=output:nt
		cookie=0x20,priority=10,in_port=nt,actions=output:p$h
		cookie=0x21,priority=10,in_port=g0,actions=output:p$h
		cookie=0x22,priority=10,in_port=g4,$TLV4_MATCH,actions=output:p$h
		cookie=0x23,priority=10,in_port=t0,actions=output:p$h
		cookie=0x24,priority=10,in_port=m4,$TLV4_MATCH,actions=output:p$h
		cookie=0x25,priority=10,in_port=tc,pkt_mark=0x55,actions=output:p$h
		cookie=0x26,priority=10,in_port=tp,$PIPE_MATCH,actions=output:p$h
	EOF
	settle "$h"
}
for h in 1 2; do
	ports "$h" || die "host $h: ports and flows"
done
echo "bench ovs-kernel: ports and flows at $SECONDS s"
appctl 1 upcall/show

# use PEER: both hosts send through PEER's port from now on (the old
# datapath flows are dropped), and a ping crosses.
use() {
	local h i
	for h in 1 2; do
		ofctl "$h" add-flow br0 \
			"cookie=0x10,priority=10,in_port=p$h,actions=$(send_actions "$1")" &&
		appctl "$h" revalidator/purge >/dev/null || return 1
	done
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ine 1 busybox ping -c 1 -W 3 "$(over_ip 2)" >/dev/null 2>&1 && return 0
	done
	echo "bench ovs-kernel: no ping reply through $1" >&2
	return 1
}
# rx_counts: the receive flows' packet counts on host 2, one "PEER N" line
# each, once OVS has pulled the datapath's statistics (two completed
# revalidator dumps); fails (ERROR:) when one is missing.
rx_counts() {
	local want="" t
	for t in "${peers[@]}"; do want="$want $t=${cookie[$t]}"; done
	appctl 2 revalidator/wait >/dev/null && appctl 2 revalidator/wait >/dev/null ||
		{ t_error "revalidator/wait failed on host 2"; return 1; }
	ofctl 2 dump-flows br0 | awk -v want="$want" '
		match($0, /cookie=0x[0-9a-f]+,/) {
			c = substr($0, RSTART + 7, RLENGTH - 8)
			if (match($0, /n_packets=[0-9]+/))
				n[c] = substr($0, RSTART + 10, RLENGTH - 10)
		}
		END {
			k = split(want, w, " ")
			for (i = 1; i <= k; i++) {
				split(w[i], pc, "=")
				if (!(pc[2] in n)) { print "ERROR: rx_counts: no flow with cookie " pc[2] " on host 2" > "/dev/stderr"; exit 1 }
				print pc[1], n[pc[2]]
			}
		}'
}
# kdev_rx PEER: rx_packets of the kernel device PEER's packets arrive on,
# on host 2; fails (ERROR:) when it cannot be read.
kdev_rx() {
	local v
	v=$(inh 2 cat "/sys/class/net/${kdev[$1]}/statistics/rx_packets" 2>/dev/null)
	[[ $v =~ ^[0-9]+$ ]] || { t_error "kdev_rx: no rx_packets for ${kdev[$1]} on host 2"; return 1; }
	echo "$v"
}
# path_ok PEER BEFORE AFTER DEV_BEFORE DEV_AFTER: the traffic of a run went
# through PEER's port: its receive flow and kernel device counted at least
# 100 packets, no other receive flow more than 5 (stray packets).
path_ok() {
	local t=$1 d0=$4 d1=$5 want got bad=""
	declare -A c0 c1
	while read -r k v; do c0[$k]=$v; done <<<"$2"
	while read -r k v; do c1[$k]=$v; done <<<"$3"
	for k in "${peers[@]}"; do
		got=$((c1[$k] - c0[$k]))
		if [ "$k" = "$t" ]; then
			[ "$got" -ge 100 ] || bad="$bad $k's receive flow counted only $got;"
		elif [ "$got" -gt 5 ]; then
			bad="$bad $k's receive flow counted $got;"
		fi
	done
	[ $((d1 - d0)) -ge 100 ] || bad="$bad ${kdev[$t]} received only $((d1 - d0));"
	[ -z "$bad" ] && return 0
	echo "bench ovs-kernel: $t: wrong path:$bad" >&2
	return 1
}
# count_of PEER COUNTS: PEER's number in rx_counts' output COUNTS.
count_of() { echo "$2" | awk -v t="$1" '$1 == t { print $2 }'; }
# tcp PEER: bits/s received by iperf3 from endpoint 1 to endpoint 2.
tcp() {
	ine 1 timeout $((secs + 30)) iperf3 -c "$(over_ip 2)" -t "$secs" -J 2>/dev/null |
		"$PY" -c 'import json,sys
try: print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))
except Exception: sys.exit(1)'
}

ine 2 iperf3 -s -D -p 5201 --pidfile "$tmp/iperf3.pid" >/dev/null || die "iperf3 -s"
wait_until 10 sh -c "ip netns exec $(ens 2) ss -ltn | grep -q ':5201 '" || die "iperf3 -s does not listen"
for t in "${peers[@]}"; do
	use "$t" || die "$t: flows"
done
echo "bench ovs-kernel: every path answers at $SECONDS s"
lost0=$(appctl 1 dpctl/show | sed -n 's/.*lost:\([0-9]*\).*/\1/p')

declare -A res
for r in $(seq 1 "$reps"); do
	for i in $(seq 0 $((${#peers[@]} - 1))); do
		t=${peers[$(((i + r) % ${#peers[@]}))]}
		use "$t" || die "run $r: $t: flows"
		c0=$(rx_counts) && d0=$(kdev_rx "$t") || die "run $r: $t: counters"
		bps=$(tcp "$t") || die "run $r: $t: iperf3 failed"
		c1=$(rx_counts) && d1=$(kdev_rx "$t") || die "run $r: $t: counters"
		path_ok "$t" "$c0" "$c1" "$d0" "$d1" || die "run $r: $t: not measured"
		f=$(($(count_of "$t" "$c1") - $(count_of "$t" "$c0")))
		echo "run $r: $t $((bps / 1000000)) Mbit/s (host 2: its receive flow +$f packets, ${kdev[$t]} +$((d1 - d0)); at $SECONDS s)"
		res[$t]="${res[$t]:-} $bps"
	done
done
lost1=$(appctl 1 dpctl/show | sed -n 's/.*lost:\([0-9]*\).*/\1/p')
echo "---- host 1 dpctl/show"
appctl 1 dpctl/show
# The handler threads each ovs-vswitchd started ("Overriding
# n-handler-threads to N, setting n-revalidator-threads to M" / "Starting
# K threads") and its warnings: a run with 0 handlers or lost upcalls
# shows here.
for h in 1 2; do
	echo "---- host $h ovs-vswitchd.log: threads, warnings and errors"
	grep -E 'n-handler-threads|Starting [0-9]+ threads|\|(WARN|ERR|EMER)\|' \
		"$tmp/$h/ovs-vswitchd.log" | tail -n 10
done

declare -A med lo hi
for t in "${peers[@]}"; do
	read -r med[$t] lo[$t] hi[$t] < <(echo "${res[$t]}" | bench_stats)
done
echo
echo "OVS kernel datapath, TCP, median of $reps interleaved runs x ${secs} s (TCG VM; compare ratios):"
printf '  %-14s %8s %15s %9s %9s\n' peer Mbit/s min-max /geneve /notunnel
for t in "${peers[@]}"; do
	printf '  %-14s %8d %7d-%-7d %9s %9s\n' "$t" $((med[$t] / 1000000)) \
		$((lo[$t] / 1000000)) $((hi[$t] / 1000000)) \
		"$(bench_ratio "${med[$t]}" "${med[geneve]}")" "$(bench_ratio "${med[$t]}" "${med[notunnel]}")"
done
echo "  bench: ovs-kernel mdtun / geneve            $(bench_ratio "${med[mdtun]}" "${med[geneve]}")"
echo "  bench: ovs-kernel mdtun tlv4 / geneve tlv4  $(bench_ratio "${med[mdtun_tlv4]}" "${med[geneve_tlv4]}")"
echo "  bench: ovs-kernel mdtun tlv4 / mdtun        $(bench_ratio "${med[mdtun_tlv4]}" "${med[mdtun]}")"
echo "  bench: ovs-kernel mdtun+carry / geneve      $(bench_ratio "${med[mdtun_carry]}" "${med[geneve]}")"
echo "  bench: ovs-kernel mdtun+pipeline / mdtun    $(bench_ratio "${med[mdtun_pipeline]}" "${med[mdtun]}")"
echo "  bench: ovs-kernel mdtun / no tunnel         $(bench_ratio "${med[mdtun]}" "${med[notunnel]}")"
echo "  bench: ovs-kernel geneve / no tunnel        $(bench_ratio "${med[geneve]}" "${med[notunnel]}")"
if [[ ${lost0:-} =~ ^[0-9]+$ && ${lost1:-} =~ ^[0-9]+$ ]]; then
	echo "  upcalls lost on host 1 during the runs: $((lost1 - lost0))"
	lost=$((lost1 - lost0))
else
	echo "  upcalls lost: dpctl/show did not say"
	lost=null
fi
{
	printf 'bench-json {"tcp_ovs_kernel": {"seconds": %d, "reps": %d, "upcalls_lost_host1": %s' \
		"$secs" "$reps" "$lost"
	for t in "${peers[@]}"; do
		printf ', "%s": {"median_bps": %d, "min_bps": %d, "max_bps": %d, "runs_bps": [%s]}' \
			"$t" "${med[$t]}" "${lo[$t]}" "${hi[$t]}" "$(echo ${res[$t]} | tr ' ' ',')"
	done
	printf ', "ratio_mdtun_geneve": %s, "ratio_mdtun_tlv4_geneve_tlv4": %s, "ratio_mdtun_tlv4_mdtun": %s, "ratio_mdtun_carry_geneve": %s, "ratio_mdtun_pipeline_mdtun": %s, "ratio_mdtun_notunnel": %s}}\n' \
		"$(bench_ratio "${med[mdtun]}" "${med[geneve]}")" \
		"$(bench_ratio "${med[mdtun_tlv4]}" "${med[geneve_tlv4]}")" \
		"$(bench_ratio "${med[mdtun_tlv4]}" "${med[mdtun]}")" \
		"$(bench_ratio "${med[mdtun_carry]}" "${med[geneve]}")" \
		"$(bench_ratio "${med[mdtun_pipeline]}" "${med[mdtun]}")" \
		"$(bench_ratio "${med[mdtun]}" "${med[notunnel]}")"
}
