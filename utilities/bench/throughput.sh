#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Throughput through mdtun next to its peers, measured in the same run
# (inside utilities/mdtun-vm; make bench): two namespaces joined by a veth,
# and between them
#   bare         the bare veth (no tunnel),
#   geneve       a fixed-mode geneve tunnel (the kernel's own metadata
#                tunnel),
#   mdtun        a fixed-mode mdtun tunnel,
#   mdtun_carry  fixed-mode mdtun carrying the packet mark and priority as
#                TLVs (a tc skbedit on egress sets both on every packet),
#   geneve_md0, mdtun_md0
#                collect-metadata devices (geneve "external", mdtun-ctl
#                "external") whose metadata comes from a tc tunnel_key set
#                on the device's egress: VNI and addresses, no options,
#   geneve_md4, mdtun_md4
#                the same with four 4-byte options (geneve_opts) on every
#                packet: "4 TLVs" against "no TLVs" like for like, and
#                mdtun against geneve with the same tc configuration.
# The collect-metadata devices all have MTU 1400 (the default of an
# external device leaves no room for options on a 1500-byte underlay);
# the fixed ones keep their defaults.
#
# Three measurements per peer: iperf3 TCP with one stream and with four
# (-P 4), Mbit/s received; and 64-byte frames per second: pktgen (its
# thread on CPU 0, in queue_xmit mode, so through the sending device's tc
# egress) floods the far end's address and UDP port 9 through the peer's
# device; host B's underlay steers the received packets to CPU 1 (RPS,
# during these runs only), so that sender and receiver do not share a CPU;
# the far device's rx_packets per second of pktgen's run is the result
# (whichever half is slower sets it), pktgen's own rate is printed beside
# it (the sending half's rate when the receiver is the slower one).
# The frames end at host B's device: a tc drop on its ingress during the
# run, so that what every peer shares (host B's UDP input, and the ICMP
# port-unreachable errors it would send) does not dilute the tunnels'
# difference.
# Two more, exact (docs/performance.md), when the VM runs under the
# insn-count QEMU plugin: the instructions (kernel and user, both hosts)
# per 64-byte frame, pktgen sending a fixed number with RPS off so that
# each is received as it is sent (insn64), and per KiB of one iperf3 TCP
# stream of a fixed size (insntcp).
# BENCH_KINDS (default "tcp1 tcp4 pps") chooses the measurements.
# Each is run REPS times (default 5) for SECONDS (default 3), interleaved
# in an order that rotates every repetition; the median and the spread
# (min-max) are printed, with ratios to geneve, since absolute numbers
# under TCG emulation mean little and one run can be off by a factor of
# two.  The last line ("bench-json {...}") is for make bench's results
# file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/utilities/bench/lib.sh"	# bench_stats, bench_ratio
ctl=${MDTUN_CTL:-$top/utilities/mdtun-ctl/mdtun-ctl}
secs=${BENCH_SECONDS:-3}
reps=${BENCH_REPS:-5}
kinds=${BENCH_KINDS:-tcp1 tcp4 pps}
for k in $kinds; do
	case $k in
	tcp1 | tcp4 | pps | insn64 | insntcp) ;;
	*) echo "bench throughput: BENCH_KINDS: unknown \"$k\" (tcp1, tcp4, pps, insn64, insntcp)" >&2; exit 1 ;;
	esac
done
# kind K: whether BENCH_KINDS has K.
kind() { [[ " $kinds " == *" $1 "* ]]; }

a() { ip netns exec bA "$@"; }
b() { ip netns exec bB "$@"; }
die() { echo "bench throughput: $*" >&2; exit 1; }
holdA="" holdB=""
cleanup() {
	a sh -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null
	[ -n "$holdA" ] && kill "$holdA" 2>/dev/null
	[ -n "$holdB" ] && kill "$holdB" 2>/dev/null
	ip netns del bA 2>/dev/null
	ip netns del bB 2>/dev/null
}
trap cleanup EXIT

# The four 4-byte options of the *_md4 rows (class 0x0102, types 1-4, not
# critical).
OPTS4=0102:01:00000001,0102:02:00000002,0102:03:00000003,0102:04:00000004

modprobe -a udp_tunnel ip6_udp_tunnel geneve pktgen || exit 1
grep -q '^mdtun ' /proc/modules || insmod "$top/datapath/mdtun.ko" || exit 1
ip netns add bA && ip netns add bB || exit 1
ip link add ul netns bA type veth peer name ul netns bB
# One process in each namespace, whose /proc/PID/net is that namespace's
# (pktgen's files and the device counters, without a process started in
# the namespace for every read).
ip netns exec bA sleep 100000 &
holdA=$!
ip netns exec bB sleep 100000 &
holdB=$!
for k in A B; do
	n=$([ $k = A ] && echo 1 || echo 2)
	far=198.51.100.$((3 - n))
	ip -n b$k link set lo up
	ip -n b$k addr add 198.51.100.$n/24 dev ul
	ip -n b$k link set ul up
	ip -n b$k link add gnv type geneve id 42 remote $far
	ip netns exec b$k "$ctl" add mdt id 42 remote $far
	ip netns exec b$k "$ctl" add mdc id 43 remote $far \
		port 7082 carry mark,priority trust 198.51.100.0/24
	ip -n b$k link add gm0 mtu 1400 type geneve external dstport 6082
	ip -n b$k link add gm4 mtu 1400 type geneve external dstport 6083
	ip netns exec b$k "$ctl" add mm0 external port 7083
	ip netns exec b$k "$ctl" add mm4 external port 7084
	ip -n b$k link set mm0 mtu 1400
	ip -n b$k link set mm4 mtu 1400
	ip -n b$k addr add 192.0.2.$n/26 dev gnv
	ip -n b$k addr add 192.0.2.$((64 + n))/26 dev mdt
	ip -n b$k addr add 192.0.2.$((128 + n))/26 dev mdc
	ip -n b$k addr add 203.0.113.$n/26 dev gm0
	ip -n b$k addr add 203.0.113.$((64 + n))/26 dev gm4
	ip -n b$k addr add 203.0.113.$((128 + n))/26 dev mm0
	ip -n b$k addr add 203.0.113.$((192 + n))/26 dev mm4
	# The collect-metadata devices get their metadata from tc on egress
	# (before they are up: no packet leaves without).
	for d in gm0:6082: gm4:6083:"geneve_opts $OPTS4" mm0:7083: \
		mm4:7084:"geneve_opts $OPTS4"; do
		IFS=: read -r cdev port opts <<<"$d"
		ip netns exec b$k tc qdisc add dev $cdev clsact &&
		ip netns exec b$k tc filter add dev $cdev egress matchall \
			action tunnel_key set src_ip 198.51.100.$n dst_ip $far \
			id 42 dst_port $port $opts || die "tc tunnel_key on $cdev"
	done
	for d in gnv mdt mdc gm0 gm4 mm0 mm4; do ip -n b$k link set $d up; done
done
# Static neighbours on the underlay: no ARP state changes in the middle of
# a run (a stale entry sends every packet through neigh_resolve_output()).
for k in A B; do
	o=$([ $k = A ] && echo B || echo A)
	n=$([ $k = A ] && echo 2 || echo 1)
	ip -n b$k neigh replace 198.51.100.$n dev ul nud permanent \
		lladdr "$(ip netns exec b$o cat /sys/class/net/ul/address)" ||
		die "static neighbour in b$k"
done
# The carrying tunnel gets a mark and priority on every packet.
a tc qdisc add dev mdc clsact
a tc filter add dev mdc egress matchall action skbedit mark 0x55 priority 1:3

peers=(bare geneve mdtun mdtun_carry geneve_md0 mdtun_md0 geneve_md4 mdtun_md4)
# Per peer: the device on both sides and host B's address on it.
declare -A dev=([bare]=ul [geneve]=gnv [mdtun]=mdt [mdtun_carry]=mdc
	[geneve_md0]=gm0 [mdtun_md0]=mm0 [geneve_md4]=gm4 [mdtun_md4]=mm4)
declare -A dst=([bare]=198.51.100.2 [geneve]=192.0.2.2 [mdtun]=192.0.2.66
	[mdtun_carry]=192.0.2.130 [geneve_md0]=203.0.113.2
	[mdtun_md0]=203.0.113.130 [geneve_md4]=203.0.113.66
	[mdtun_md4]=203.0.113.194)

b iperf3 -s -D -p 5201 >/dev/null
# The server is up once it listens.
for _ in $(seq 1 50); do
	b ss -ltn 2>/dev/null | grep -q ':5201 ' && break
	sleep 0.1
done
# Every path answers before anything is timed (and the neighbours are
# resolved, for pktgen, which does no ARP).  Meanwhile a flower filter on
# host B's *_md4 devices counts packets that arrive with exactly the four
# options, and one on host B's carrying device those restored with the
# mark and priority that host A's skbedit set: the rows measure what they
# say (checked, and the filters removed, before the runs).
for d in gm4 mm4; do
	b tc filter add dev $d ingress prio 1 protocol all flower enc_key_id 42 \
		geneve_opts "$OPTS4" action ok || die "flower on $d"
done
b tc qdisc add dev mdc clsact &&
b tc filter add dev mdc ingress prio 1 protocol all basic \
	match 'meta(nf_mark eq 85) and meta(priority eq 65539)' action ok ||
	die "tc filter on host B's mdc"
for t in "${peers[@]}"; do
	ok=0
	for _ in 1 2 3 4 5; do
		a busybox ping -c 1 -W 3 "${dst[$t]}" >/dev/null 2>&1 && { ok=1; break; }
	done
	[ "$ok" = 1 ] || die "no ping reply through $t (${dst[$t]})"
done
# tc_hits DEV: packets that host B's ingress filter prio 1 on DEV matched;
# fails when tc does not say.
tc_hits() {
	b tc -s filter show dev "$1" ingress prio 1 |
		awk '/Sent [0-9]+ bytes [0-9]+ pkt/ { n = $4 } END { if (n == "") exit 1; print n }'
}
for d in gm4 mm4; do
	n=$(tc_hits $d) || die "cannot read the flower filter's count on $d"
	[ "$n" -ge 1 ] || die "$d: no packet arrived with the four options"
	echo "bench: $d: $n packets arrived with the four options"
	b tc filter del dev $d ingress prio 1 || die "flower on $d not removed"
done
n=$(tc_hits mdc) || die "cannot read the tc filter's count on host B's mdc"
[ "$n" -ge 1 ] || die "mdc: no packet arrived with mark 0x55 and priority 1:3"
echo "bench: mdc: $n packets arrived with mark 0x55 and priority 1:3 restored"
b tc qdisc del dev mdc clsact || die "host B's mdc clsact not removed"

# tcp PEER STREAMS: bits/s received by iperf3 with STREAMS streams (its
# last "receiver" line: the sum of the streams); fails when there is none.
tcp() {
	a timeout $((secs + 30)) iperf3 -c "${dst[$1]}" -P "$2" -t "$secs" -f k 2>/dev/null |
		awk '/ receiver$/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Kbits/sec") v = $i }
			END { if (v !~ /^[0-9]+$/) exit 1; printf "%.0f\n", v * 1000 }'
}

# rx_packets PEER: host B's device's received packets (its /proc/net/dev
# line); prints nothing and fails when the counter cannot be read.
rx_packets() {
	local v
	v=$(awk -v d="${dev[$1]}" '{ sub(/:/, " ") } $1 == d { print $3; exit }' \
		"/proc/$holdB/net/dev" 2>/dev/null)
	if [[ $v =~ ^[0-9]+$ ]]; then
		echo "$v"
	else
		echo "ERROR: rx_packets: cannot read ${dev[$1]}'s rx_packets in bB" >&2
		return 1
	fi
}
# rx_settled PEER: rx_packets once it has stopped moving (the last packets
# pktgen sent are through; at most 10 s).
rx_settled() {
	local prev cur deadline=$((SECONDS + 10))
	prev=$(rx_packets "$1") || return 1
	while :; do
		sleep 0.1
		cur=$(rx_packets "$1") || return 1
		[ "$cur" = "$prev" ] && break
		[ "$SECONDS" -ge "$deadline" ] && break
		prev=$cur
	done
	echo "$cur"
}
PG=/proc/$holdA/net/pktgen
# pg FILE CMD: one pktgen command (host A's namespace); fails with
# pktgen's reason when it refuses.
pg() {
	echo "$2" >"$PG/$1" 2>/dev/null && return 0
	echo "pktgen $1: \"$2\" refused: $(sed -n 's/^Result: //p' "$PG/$1" 2>/dev/null)" >&2
	return 1
}
# pgctrl CMD: start (returns when pktgen has stopped) or stop; pgctrl acts
# on the writer's own namespace.
pgctrl() { nsenter --net=/run/netns/bA sh -c "echo $1 > /proc/net/pktgen/pgctrl"; }
# rps CPUMASK: where host B's underlay processes what it receives.
rps() { b sh -c "echo $1 > /sys/class/net/ul/queues/rx-0/rps_cpus"; }
declare -A mac
for t in "${peers[@]}"; do
	mac[$t]=$(b cat "/sys/class/net/${dev[$t]}/address") || die "no MAC for ${dev[$t]}"
done
# udp PEER: "RECEIVED_PPS SENT_PPS": pktgen sends 64-byte frames for
# SECONDS through PEER's device to host B's address; RECEIVED_PPS is how
# many host B's device counted per second of pktgen's run.
# pg_setup PEER COUNT: pktgen's device for PEER, COUNT 64-byte frames (0:
# until stopped), and the tc drop on host B's device where they end.
pg_setup() {
	local d=${dev[$1]}
	pg kpktgend_0 rem_device_all && pg kpktgend_0 "add_device $d" &&
	pg "$d" "xmit_mode queue_xmit" && pg "$d" "count $2" &&
	pg "$d" "pkt_size 64" && pg "$d" "delay 0" && pg "$d" "dst ${dst[$1]}" &&
	pg "$d" "dst_mac ${mac[$1]}" && pg "$d" "udp_dst_min 9" &&
	pg "$d" "udp_dst_max 9" || return 1
	# Host B's collect-metadata devices have their clsact already.
	{ b tc qdisc show dev "$d" | grep -q 'qdisc clsact' ||
		b tc qdisc add dev "$d" clsact; } &&
	b tc filter add dev "$d" ingress prio 9 matchall action drop || {
		echo "pktgen: no tc drop on host B's $d" >&2
		return 1
	}
}
# pg_done PEER: the tc drop removed.
pg_done() {
	b tc filter del dev "${dev[$1]}" ingress prio 9 || {
		echo "pktgen: host B's tc drop on ${dev[$1]} not removed" >&2
		return 1
	}
}
udp() {
	local d=${dev[$1]} r0 r1 res us sent starter
	pg_setup "$1" 0 || return 1
	r0=$(rx_packets "$1") || return 1
	pgctrl start &
	starter=$!
	sleep "$secs"	# the measurement's duration, not a synchronisation
	pgctrl stop
	wait "$starter"
	r1=$(rx_settled "$1") || return 1
	pg_done "$1" || return 1
	# "Result: OK: 3000172(c3000172+d0) usec, 123456 (64byte,0frags)"
	res=$(sed -n 's/^Result: OK: \([0-9]*\)(.* usec, \([0-9]*\) (.*/\1 \2/p' "$PG/$d")
	read -r us sent <<<"$res"
	if ! [[ ${us:-} =~ ^[0-9]+$ && ${sent:-} =~ ^[0-9]+$ ]] || [ "$us" -eq 0 ]; then
		echo "pktgen on $d: no result: $(grep '^Result' "$PG/$d")" >&2
		return 1
	fi
	# A working path delivers tens of thousands a second even under TCG;
	# fewer than 1000 in a run is a broken path or the wrong counter.
	if [ $((r1 - r0)) -lt 1000 ]; then
		echo "$1: only $((r1 - r0)) packets reached $d in bB (pktgen sent $sent)" >&2
		return 1
	fi
	echo "$(((r1 - r0) * 1000000 / us)) $((sent * 1000000 / us))"
}

# The instruction counts (kinds insn64 and insntcp): the VM runs under
# the insn-count QEMU plugin (utilities/bench/insn-count.c; make bench
# passes mdtun-vm --plugin), whose out= file the guest reads as
# BENCH_INSN_OUT; insn-mark (BENCH_INSN_MARK) asks it for a reading.
insn_packets=${BENCH_INSN_PACKETS:-50000}
insn_bytes=${BENCH_INSN_MBYTES:-100}
# insns: "KERNEL USER" instructions so far, all vCPUs.
insns() { "${BENCH_INSN_MARK:?}" "${BENCH_INSN_OUT:?}"; }
# insn64 PEER: instructions per 64-byte frame, sender and receiver
# together: pktgen sends insn_packets frames through PEER's device with
# RPS off, so that host B's receive runs on the sending CPU as each frame
# is sent, one at a time (no queue overflows: every frame is received),
# and the count covers exactly their journey.
insn64() {
	local k0 u0 k1 u1 r0 r1 got
	pg_setup "$1" "$insn_packets" || return 1
	r0=$(rx_packets "$1") || return 1
	read -r k0 u0 < <(insns) || return 1
	pgctrl start	# returns when the frames are sent
	read -r k1 u1 < <(insns) || return 1
	r1=$(rx_settled "$1") || return 1
	pg_done "$1" || return 1
	got=$((r1 - r0))
	# A frame more or two: the neighbour or IPv6 traffic of the device.
	if [ "$got" -lt "$insn_packets" ] || [ "$got" -gt $((insn_packets + insn_packets / 100)) ]; then
		echo "$1: $got frames reached ${dev[$1]} in bB, not the $insn_packets sent" >&2
		return 1
	fi
	echo $(((k1 - k0 + u1 - u0) / insn_packets))
}
# insntcp PEER: instructions per KiB that iperf3 moves through PEER
# (insn_bytes MiB, one stream), both hosts, kernel and user space.
insntcp() {
	local k0 u0 k1 u1
	read -r k0 u0 < <(insns) || return 1
	a timeout 300 iperf3 -c "${dst[$1]}" -n "${insn_bytes}M" >/dev/null 2>&1 || {
		echo "$1: iperf3 -n ${insn_bytes}M failed" >&2
		return 1
	}
	read -r k1 u1 < <(insns) || return 1
	echo $(((k1 - k0 + u1 - u0) / (insn_bytes * 1024)))
}
if kind insn64 || kind insntcp; then
	insns >/dev/null || die "no instruction count (BENCH_INSN_MARK, BENCH_INSN_OUT)"
	# The first iperf3 run of a boot costs twice the rest (binaries
	# loaded, code translated): not part of any row.
	for t in "${peers[@]}"; do
		a timeout 60 iperf3 -c "${dst[$t]}" -n 10M >/dev/null 2>&1 ||
			die "warm-up iperf3 through $t failed"
	done
fi

# measure KIND PEER: one run of KIND through PEER, "VALUE SENT LINE": the
# row's value, pktgen's own rate (pps; "-" for the others) and what the
# log says of the run.
measure() {
	local v p s
	case $1 in
	tcp1 | tcp4)
		v=$(tcp "$2" "${1#tcp}") || return 1
		echo "$v - tcp$([ "$1" = tcp4 ] && echo " x4") $((v / 1000000)) Mbit/s" ;;
	insn64)
		v=$(insn64 "$2") || return 1
		echo "$v - $v instructions per 64-byte frame" ;;
	insntcp)
		v=$(insntcp "$2") || return 1
		echo "$v - $v instructions per KiB of TCP" ;;
	pps)
		read -r p s < <(udp "$2") && [ -n "$s" ] || return 1
		echo "$p $s udp64 $p packets/s received (sent $s/s)" ;;
	esac
}
# Where each kind starts in the rotation, so that the kinds of one
# repetition do not all begin with the same peer.
declare -A offset=([tcp1]=0 [insn64]=1 [insntcp]=2 [tcp4]=3 [pps]=5)
declare -A runs sent		# KIND:PEER and PEER: the values, in run order
for r in $(seq 1 "$reps"); do
	for k in $kinds; do
		# The 64-byte rows receive on CPU 1 (RPS), the others inline.
		if [ "$k" = pps ]; then rps 2 || die "RPS on host B's underlay"; fi
		# Rotate the order each repetition, so that no peer always runs
		# first (or last) in a repetition.
		for i in $(seq 0 $((${#peers[@]} - 1))); do
			t=${peers[$(((i + r + offset[$k]) % ${#peers[@]}))]}
			out=$(measure "$k" "$t") || die "run $r: $t: no $k result"
			read -r v sent_pps line <<<"$out"
			echo "run $r: $t $line (at $SECONDS s)"
			runs[$k:$t]="${runs[$k:$t]:-} $v"
			[ "$sent_pps" = - ] || sent[$t]="${sent[$t]:-} $sent_pps"
		done
		if [ "$k" = pps ]; then rps 0 || die "RPS off on host B's underlay"; fi
	done
done
# Where packets were lost: every device's drop and error counters, and
# the mdtun devices' own drop reasons, that are not zero.
echo
echo "Drop and error counters (not zero) after the runs:"
for k in A B; do
	for d in ul gnv mdt mdc gm0 gm4 mm0 mm4; do
		for c in rx_dropped tx_dropped rx_errors tx_errors; do
			v=$(ip netns exec b$k cat "/sys/class/net/$d/statistics/$c" 2>/dev/null)
			[ -n "$v" ] && [ "$v" != 0 ] && echo "  b$k $d $c $v"
		done
		case $d in m*)
			ip netns exec b$k "$ctl" stats $d 2>/dev/null | awk -v p="  b$k $d" '
				$1 ~ /^(rx|tx)_/ && $1 !~ /^(rx|tx)_(packets|bytes|errors|dropped):$/ && $2 != 0 { sub(":$", "", $1); print p, $1, $2 }' ;;
		esac
	done
done
echo "  (end)"
# BENCH_PROFILE=DIR (a directory the VM can write: under $MDTUN_VM_OUT):
# system-wide cpu-clock profiles of one more TCP run and one more 64-byte
# run (per-packet costs: many more samples in the drivers) through each
# peer of BENCH_PROFILE_PEERS (default geneve and mdtun), the top symbols
# in DIR/PEER.txt and DIR/PEER.udp64.txt (docs/performance.md).
# profile_report NAME: the top 100 symbols of DIR/NAME.data in DIR/NAME.txt.
profile_report() {
	perf report -q -i "$BENCH_PROFILE/$1.data" --no-children \
		--sort symbol --stdio -g none 2>>"$BENCH_PROFILE/$1.err" |
		grep -v '^$' | head -n 100 >"$BENCH_PROFILE/$1.txt"
}
# profile_udp PEER: DIR/PEER.udp64.data, recorded during udp PEER only:
# perf starts disabled (its start-up, reading every task's /proc files,
# takes seconds under TCG) and is enabled through its control FIFO, which
# acknowledges once the counters run.
profile_udp() {
	local f=$BENCH_PROFILE/$1.udp64 fifo perf ack rc=0
	# FIFOs on the VM's own file system (DIR may not hold them).
	fifo=$(mktemp -d) && mkfifo "$fifo/ctl" "$fifo/ack" || return 1
	perf record -q -e cpu-clock -a -g -D -1 \
		--control "fifo:$fifo/ctl,$fifo/ack" -o "$f.data" -- sleep 600 \
		2>"$f.err" &
	perf=$!
	exec 8>"$fifo/ctl" 9<"$fifo/ack"
	echo enable >&8 && read -r -t 60 ack <&9 && [ "$ack" = ack ] || rc=1
	[ $rc = 0 ] && { udp "$1" >/dev/null || rc=1; }
	# perf's status is its workload's, killed here: the data file tells.
	kill -INT "$perf"
	wait "$perf"
	exec 8>&- 9<&-
	rm -r "$fifo"
	[ -s "$f.data" ] || rc=1
	return $rc
}
# Under the insn-count plugin, with BENCH_INSN_PROF (its prof= file), the
# profile is exact instead: the instructions of one more insn64 run per
# kernel symbol, per frame, in DIR/PEER.insn64.txt.
if [ -n "${BENCH_PROFILE:-}" ] && [ -n "${BENCH_INSN_PROF:-}" ]; then
	mkdir -p "$BENCH_PROFILE"
	for t in ${BENCH_PROFILE_PEERS:-geneve mdtun}; do
		"$BENCH_INSN_MARK" dump "$BENCH_INSN_OUT" >/dev/null &&
		insn64 "$t" >/dev/null &&
		"$BENCH_INSN_MARK" dump "$BENCH_INSN_OUT" >/dev/null &&
		python3 "$top/utilities/bench/insn-profile.py" "$BENCH_INSN_PROF" \
			"$insn_packets" >"$BENCH_PROFILE/$t.insn64.txt" ||
			die "instruction profile of $t failed"
	done
elif [ -n "${BENCH_PROFILE:-}" ]; then
	mkdir -p "$BENCH_PROFILE"
	rps 2 || die "RPS on host B's underlay"
	for t in ${BENCH_PROFILE_PEERS:-geneve mdtun}; do
		perf record -q -e cpu-clock -a -g -o "$BENCH_PROFILE/$t.data" -- \
			ip netns exec bA iperf3 -c "${dst[$t]}" -t "$secs" \
			>/dev/null 2>"$BENCH_PROFILE/$t.err" && profile_report "$t" ||
			echo "TCP profile of $t failed" >&2
		profile_udp "$t" && profile_report "$t.udp64" ||
			echo "64-byte profile of $t failed" >&2
	done
	rps 0 || die "RPS off on host B's underlay"
fi
declare -A med lo hi		# KIND:PEER
for t in "${peers[@]}"; do
	for k in $kinds; do
		read -r med[$k:$t] lo[$k:$t] hi[$k:$t] < <(echo "${runs[$k:$t]}" | bench_stats)
	done
	if kind pps; then
		read -r med[sent:$t] lo[sent:$t] hi[sent:$t] < <(echo "${sent[$t]}" | bench_stats)
	fi
done
# speed KIND A B: how fast A is against B, as a ratio of their medians:
# A / B for rates, B / A for instruction counts (fewer is faster), so
# that above 1 always means A is faster.
speed() {
	case $1 in
	insn*) bench_ratio "${med[$1:$3]}" "${med[$1:$2]}" ;;
	*) bench_ratio "${med[$1:$2]}" "${med[$1:$3]}" ;;
	esac
}
# table KIND TITLE UNIT DIVISOR
table() {
	local t
	echo
	case $1 in
	insn*) echo "$2, median of $reps interleaved runs (exact counts; /geneve, /bare: speed, their count / the peer's):" ;;
	*) echo "$2, median of $reps interleaved runs x ${secs} s (TCG VM; compare ratios):" ;;
	esac
	printf '  %-12s %9s %17s %8s %8s\n' peer "$3" min-max /geneve /bare
	for t in "${peers[@]}"; do
		printf '  %-12s %9d %8d-%-8d %8s %8s\n' "$t" $((med[$1:$t] / $4)) \
			$((lo[$1:$t] / $4)) $((hi[$1:$t] / $4)) \
			"$(speed "$1" "$t" geneve)" "$(speed "$1" "$t" bare)"
	done
}
kind insn64 && table insn64 "Instructions per 64-byte frame (pktgen, both hosts)" insn 1
kind insntcp && table insntcp "Instructions per KiB of TCP (iperf3, both hosts)" insn 1
kind tcp1 && table tcp1 "TCP, one stream" Mbit/s 1000000
kind tcp4 && table tcp4 "TCP, four streams (iperf3 -P 4)" Mbit/s 1000000
if kind pps; then
	table pps "64-byte frames received per second (pktgen)" pkt/s 1
	echo "  (pktgen sent, median per peer:$(for t in "${peers[@]}"; do printf ' %s %d' "$t" "${med[sent:$t]}"; done))"
fi
echo
# Speed ratios (above 1: the first is faster), for every kind.
for k in $kinds; do
	echo "  bench: $k mdtun / geneve               $(speed $k mdtun geneve)"
	echo "  bench: $k mdtun+carry / geneve         $(speed $k mdtun_carry geneve)"
	echo "  bench: $k mdtun md4 / geneve md4       $(speed $k mdtun_md4 geneve_md4)"
	echo "  bench: $k mdtun md4 / mdtun md0        $(speed $k mdtun_md4 mdtun_md0)"
	echo "  bench: $k geneve md4 / geneve md0      $(speed $k geneve_md4 geneve_md0)"
	echo "  bench: $k mdtun / bare veth            $(speed $k mdtun bare)"
	echo "  bench: $k geneve / bare veth           $(speed $k geneve bare)"
done
# One line for make bench's results file (bench/results/DATE.json).
# section KEY KIND UNIT [MORE]: one JSON object of the KIND rows (with the
# members MORE).
section() {
	local t extra
	printf '"%s": {"seconds": %d, "reps": %d%s' "$1" "$secs" "$reps" "${4:-}"
	for t in "${peers[@]}"; do
		extra=""
		[ "$2" = pps ] && extra=$(printf ', "sent_median_pps": %d' "${med[sent:$t]}")
		printf ', "%s": {"median_%s": %d, "min_%s": %d, "max_%s": %d, "runs_%s": [%s]%s}' \
			"$t" "$3" "${med[$2:$t]}" "$3" "${lo[$2:$t]}" "$3" "${hi[$2:$t]}" "$3" \
			"$(echo ${runs[$2:$t]} | tr ' ' ',')" \
			"$extra"
	done
	printf ', "ratio_mdtun_geneve": %s, "ratio_mdtun_carry_geneve": %s' \
		"$(speed "$2" mdtun geneve)" "$(speed "$2" mdtun_carry geneve)"
	printf ', "ratio_mdtun_md4_geneve_md4": %s, "ratio_mdtun_md4_mdtun_md0": %s, "ratio_geneve_md4_geneve_md0": %s}' \
		"$(speed "$2" mdtun_md4 geneve_md4)" "$(speed "$2" mdtun_md4 mdtun_md0)" \
		"$(speed "$2" geneve_md4 geneve_md0)"
}
json=""
kind tcp1 && json+="$(section tcp_bare_devices tcp1 bps), "
kind tcp4 && json+="$(section tcp4_bare_devices tcp4 bps), "
kind pps && json+="$(section udp64_pps_bare_devices pps pps ', "frame_bytes": 64, "sender": "pktgen queue_xmit"'), "
kind insn64 && json+="$(section insn_udp64_bare_devices insn64 insn_per_frame ", \"frames\": $insn_packets, \"ratios\": \"speed: the instructions of B / those of A\""), "
kind insntcp && json+="$(section insn_tcp_bare_devices insntcp insn_per_kib ", \"mbytes\": $insn_bytes, \"ratios\": \"speed: the instructions of B / those of A\""), "
echo "bench-json {${json%, }}"
