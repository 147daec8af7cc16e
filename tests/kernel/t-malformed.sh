#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The robustness suite's malformed packets: every designed malformed wire
# vector (tests/data/mdtun-vectors.txt) over IPv4 and over IPv6, the
# driver's own drop reasons (docs/protocol.md section 8.3) and the order
# in which they are checked, what the UDP layer refuses, and random
# datagrams judged by an independent reading of the specification
# (tests/lib/mdtun_spec.py); then one valid datagram to every device.
# tests/kernel/malformed_plan.py writes the datagrams and, from the design,
# what each must do to which counter.  After the batch, every counter of
# every receiving device must have moved by exactly its expected amount and
# every other one not at all: each drop counted once under its own reason,
# nothing delivered but the valid datagrams, no kernel warning.
. "$(dirname "$0")/lib.sh"

VECTORS=$top/tests/data/mdtun-vectors.txt
SEED=${MDTUN_MALFORMED_SEED:-$RANDOM}
log "random datagrams from seed $SEED (MDTUN_MALFORMED_SEED=$SEED replays them)"

check load load_mdtun
mkhosts 2
on h1 ip addr add 198.51.100.11/24 dev ul
# The receiver, as malformed_plan.py describes it.
ctl h2 add rx external carry mark
on h2 ip link set rx address 02:00:00:00:00:02
ctl h2 add fx id 42 remote 198.51.100.1
ctl h2 add fx6 id 44 remote 2001:db8:1::1
ctl h2 add fy id 43 remote 198.51.100.1 port 7090
for d in rx fx fx6 fy; do
	quiet h2 "$d"
	on h2 ip link set "$d" up
done
# The underlay does not vouch for checksums it has not verified.
check rx-checksum-offload-off on h2 ethtool -K ul rx off

plan=$(mktemp -d)
check plan "$PY" "$top/tests/kernel/malformed_plan.py" "$VECTORS" "$SEED" "$plan"
log "$(wc -l <"$plan/batch") datagrams"

# counters WHERE: "NAME VALUE" lines of everything WHERE counts.
counters() {
	case $1 in
	netns) on h2 cat /proc/net/mdtun ;;
	udp) on h2 awk '
		/^Udp: / { if (!n) { split($0, names); n = 1 } else {
			for (i = 2; i <= NF; i++) print "Udp" names[i], $i } }' /proc/net/snmp
	     on h2 awk '$1 ~ /^Udp6(InErrors|InCsumErrors)$/ { print $1, $2 }' /proc/net/snmp6 ;;
	*) ctl h2 stats "$1" --json | "$PY" -c '
import json, sys
for k, v in json.load(sys.stdin).items():
    if k != "ifname":
        print(k, v)' ;;
	esac
}
WHERE="rx fx fx6 fy netns udp"
for w in $WHERE; do counters "$w" >"$plan/before.$w"; done

check send-batch on h1 taskset -c 0 "$PY" "$TLIB/mdtun_send.py" batch "$plan/batch"
# The last datagram is rx's valid one: once it is in, all were judged.
check_within last-datagram-delivered 30 stat_ge h2 rx rx_packets 1

for w in $WHERE; do counters "$w" >"$plan/after.$w"; done

# compare WHERE: for each counter WHERE has, its increase against the
# plan's (0 if the plan names none); prints "COUNTER got N want M" per
# difference and "missing COUNTER" for a counter the plan names that WHERE
# does not have.
compare() {
	"$PY" - "$1" "$plan" <<'EOF'
import sys
where, plan = sys.argv[1], sys.argv[2]
def read(name):
    return {k: int(v) for k, v in (l.split() for l in open(f"{plan}/{name}.{where}"))}
before, after = read("before"), read("after")
want = {}
for line in open(f"{plan}/expect"):
    w, counter, n = line.split()
    if w == where:
        want[counter] = int(n)
for counter in sorted(want):
    if counter not in after:
        print("missing", counter)
# The standard byte and error counters are checked on their own.
if where == "udp":
    compared = [k for k in after if k in
        ("UdpInErrors", "UdpInCsumErrors", "Udp6InErrors", "Udp6InCsumErrors")]
else:
    compared = [k for k in after if k not in ("rx_bytes", "rx_dropped", "rx_errors")]
for counter in sorted(compared):
    got = after[counter] - before.get(counter, 0)
    if got != want.get(counter, 0):
        print(counter, "got", got, "want", want.get(counter, 0))
EOF
}
# delta WHERE COUNTER: how much COUNTER moved WHERE; fails if it is not
# there.
delta() {
	local b a
	b=$(awk -v c="$2" '$1 == c { print $2 }' "$plan/before.$1")
	a=$(awk -v c="$2" '$1 == c { print $2 }' "$plan/after.$1")
	if [ -z "$a" ] || [ -z "$b" ]; then
		t_error "delta: no counter $2 at $1"
		return 1
	fi
	echo $((a - b))
}
# want WHERE COUNTER: the plan's increase.
want() { awk -v w="$1" -v c="$2" '$1 == w && $2 == c { print $3 }' "$plan/expect"; }
# Each reason the designed datagrams must move, checked on its own ...
while read -r w counter; do
	check_eq "$w: $counter +$(want "$w" "$counter")" "$(want "$w" "$counter")" \
		"$(delta "$w" "$counter")"
done <"$plan/designed"
# ... and nothing else moved (the random datagrams' reasons included).
for w in $WHERE; do
	check_eq "$w: no other counter moved" "" "$(compare "$w")"
done

# The standard counters of each device: rx_dropped counts each drop once,
# rx_errors those of the inner frame (length, loop, ECN), rx_bytes only
# the valid datagram: its inner IPv4 packet, 20 + 8 bytes (like geneve and
# every tunnel, the inner Ethernet header is not counted).
for d in rx fx fx6 fy; do
	check_eq "$d: rx_dropped counts each drop once" \
		"$(awk -v d="$d" '$1 == d && $2 ~ /^rx_/ && $2 != "rx_packets" { n += $3 } END { print n + 0 }' "$plan/expect")" \
		"$(delta "$d" rx_dropped)"
	check_eq "$d: rx_errors counts the inner frame's errors" \
		"$(awk -v d="$d" '$1 == d && $2 ~ /^rx_(inner_short|inner_truncated|loop|ecn_error)$/ { n += $3 } END { print n + 0 }' "$plan/expect")" \
		"$(delta "$d" rx_errors)"
	check_eq "$d: rx_bytes only of the valid datagram" 28 "$(delta "$d" rx_bytes)"
done

# ethtool -S, the interface kernel users look at first, gives the same
# counters under the same names as mdtun-ctl (which reads IFLA_INFO_XSTATS).
ethtool_vs_ctl() {
	on h2 ethtool -S "$1" >"$plan/ethtool.$1" || return 1
	ctl h2 stats "$1" --json | "$PY" -c '
import json, sys
ctl = json.load(sys.stdin)
eth = {}
for line in open(sys.argv[1]):
    if ":" in line and not line.startswith("NIC statistics"):
        k, v = line.split(":")
        eth[k.strip()] = int(v)
std = {"ifname", "rx_packets", "rx_bytes", "rx_errors", "rx_dropped",
       "tx_packets", "tx_bytes", "tx_errors", "tx_dropped"}
mine = {k: v for k, v in ctl.items() if k not in std}
if eth != mine:
    print("ethtool only:", sorted(set(eth) - set(mine)))
    print("mdtun-ctl only:", sorted(set(mine) - set(eth)))
    print("differ:", sorted(k for k in eth if k in mine and eth[k] != mine[k]))
    sys.exit(1)
print(len(eth), "counters")' "$plan/ethtool.$1"
}
check_match "ethtool -S rx: the same counters as mdtun-ctl" '^[1-9][0-9]* counters$' \
	ethtool_vs_ctl rx
check_match "ethtool -S fx too" '^[1-9][0-9]* counters$' ethtool_vs_ctl fx
check_match "  e.g. rx_crit_unknown, as mdtun-ctl counts it" '^     rx_crit_unknown: 1$' \
	cat "$plan/ethtool.fx"

# And the devices still work: a ping through a fresh pair on the same
# sockets.
ctl h1 add m4 id 5 remote 198.51.100.2
ctl h2 add m4 id 5 remote 198.51.100.1
quiet h1 m4
quiet h2 m4
overlay h1 m4 192.0.2.1/24
overlay h2 m4 192.0.2.2/24
check ping-after-the-batch ping_ok h1 192.0.2.2
rm -rf "$plan"
check dmesg dmesg_clean
t_done
