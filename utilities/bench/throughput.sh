#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# TCP throughput through mdtun next to its peers, measured in the same run
# (inside utilities/mdtun-vm; make bench): two namespaces joined by a veth,
# iperf3 over the bare veth, over a fixed-mode geneve tunnel (the kernel's
# own metadata tunnel), over fixed-mode mdtun, and over mdtun carrying the
# packet mark and priority as TLVs.  Each is run REPS times (default 5),
# interleaved in an order that rotates every repetition; the median and
# the spread (min-max) are printed, with ratios to geneve (and bare), since
# absolute numbers under TCG emulation mean little and one run can be off
# by a factor of two.  The last line ("bench-json {...}") is for make
# bench's results file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=${MDTUN_CTL:-$top/utilities/mdtun-ctl/mdtun-ctl}
secs=${BENCH_SECONDS:-3}
reps=${BENCH_REPS:-5}
PY=/usr/bin/python3

a() { ip netns exec bA "$@"; }
b() { ip netns exec bB "$@"; }
cleanup() { ip netns del bA 2>/dev/null; ip netns del bB 2>/dev/null; }
trap cleanup EXIT

modprobe -a udp_tunnel ip6_udp_tunnel geneve || exit 1
grep -q '^mdtun ' /proc/modules || insmod "$top/datapath/mdtun.ko" || exit 1
ip netns add bA && ip netns add bB || exit 1
ip link add ul netns bA type veth peer name ul netns bB
for k in A B; do
	n=$([ $k = A ] && echo 1 || echo 2)
	ip -n b$k link set lo up
	ip -n b$k addr add 198.51.100.$n/24 dev ul
	ip -n b$k link set ul up
	ip -n b$k link add gnv type geneve id 42 remote 198.51.100.$((3 - n))
	ip netns exec b$k "$ctl" add mdt id 42 remote 198.51.100.$((3 - n))
	ip netns exec b$k "$ctl" add mdc id 43 remote 198.51.100.$((3 - n)) \
		port 7082 carry mark,priority trust 198.51.100.0/24
	ip -n b$k addr add 192.0.2.$n/26 dev gnv
	ip -n b$k addr add 192.0.2.$((64 + n))/26 dev mdt
	ip -n b$k addr add 192.0.2.$((128 + n))/26 dev mdc
	for d in gnv mdt mdc; do ip -n b$k link set $d up; done
done
# The carrying tunnel gets a mark and priority on every packet.
a tc qdisc add dev mdc clsact
a tc filter add dev mdc egress matchall action skbedit mark 0x55 priority 1:3

declare -A dst=([bare]=198.51.100.2 [geneve]=192.0.2.2 [mdtun]=192.0.2.66
	[mdtun_carry]=192.0.2.130)
declare -A results
b iperf3 -s -D -p 5201 >/dev/null
# The server is up once it listens.
for _ in $(seq 1 50); do
	b ss -ltn 2>/dev/null | grep -q ':5201 ' && break
	sleep 0.1
done
peers=(bare geneve mdtun mdtun_carry)
for r in $(seq 1 "$reps"); do
	# Rotate the order each repetition, so that no peer always runs
	# first (or last) in a repetition.
	for i in $(seq 0 $((${#peers[@]} - 1))); do
		t=${peers[$(((i + r) % ${#peers[@]}))]}
		bps=$(a timeout $((secs + 30)) iperf3 -c "${dst[$t]}" -t "$secs" -J 2>/dev/null |
			$PY -c 'import json,sys
try: print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))
except Exception: print("ERROR")')
		if [ "$bps" = ERROR ]; then
			echo "run $r: $t: iperf3 failed" >&2
			exit 1
		fi
		echo "run $r: $t $((bps / 1000000)) Mbit/s"
		results[$t]="${results[$t]:-} $bps"
	done
done
# BENCH_PROFILE=DIR (a directory the VM can write: under $MDTUN_VM_OUT):
# a system-wide cpu-clock profile of one more run through geneve and
# through mdtun, the top symbols in DIR/PEER.txt (docs/performance.md).
if [ -n "${BENCH_PROFILE:-}" ]; then
	mkdir -p "$BENCH_PROFILE"
	for t in geneve mdtun; do
		perf record -q -e cpu-clock -a -g -o "$BENCH_PROFILE/$t.data" -- \
			ip netns exec bA iperf3 -c "${dst[$t]}" -t "$secs" \
			>/dev/null 2>"$BENCH_PROFILE/$t.err" &&
		perf report -q -i "$BENCH_PROFILE/$t.data" --no-children \
			--sort symbol --stdio -g none 2>>"$BENCH_PROFILE/$t.err" |
			grep -v '^$' | head -n 100 >"$BENCH_PROFILE/$t.txt" ||
			echo "profile of $t failed" >&2
	done
fi
# stats VALUES: "median min max" of the values.
stats() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)], v[1], v[NR]}'; }
declare -A med lo hi
for t in "${peers[@]}"; do
	read -r med[$t] lo[$t] hi[$t] < <(echo "${results[$t]}" | stats)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }'; }
echo
echo "TCP throughput, median of $reps interleaved runs x ${secs} s (TCG VM; compare ratios):"
printf '  %-12s %8s %15s %9s\n' peer Mbit/s min-max /geneve
for t in "${peers[@]}"; do
	printf '  %-12s %8d %7d-%-7d %9s\n' "$t" $((med[$t] / 1000000)) \
		$((lo[$t] / 1000000)) $((hi[$t] / 1000000)) "$(ratio "${med[$t]}" "${med[geneve]}")"
done
echo "  bench: mdtun / geneve             $(ratio "${med[mdtun]}" "${med[geneve]}")"
echo "  bench: mdtun+carry / geneve       $(ratio "${med[mdtun_carry]}" "${med[geneve]}")"
echo "  bench: mdtun / bare veth          $(ratio "${med[mdtun]}" "${med[bare]}")"
echo "  bench: geneve / bare veth         $(ratio "${med[geneve]}" "${med[bare]}")"
# One line for make bench's results file (bench/results/DATE.json).
{
	printf 'bench-json {"tcp_bare_devices": {"seconds": %d, "reps": %d' "$secs" "$reps"
	for t in "${peers[@]}"; do
		printf ', "%s": {"median_bps": %d, "min_bps": %d, "max_bps": %d, "runs_bps": [%s]}' \
			"$t" "${med[$t]}" "${lo[$t]}" "${hi[$t]}" "$(echo ${results[$t]} | tr ' ' ',')"
	done
	printf ', "ratio_mdtun_geneve": %s, "ratio_mdtun_carry_geneve": %s}}\n' \
		"$(ratio "${med[mdtun]}" "${med[geneve]}")" "$(ratio "${med[mdtun_carry]}" "${med[geneve]}")"
}
