#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Instructions per packet of the codec (make bench, on this machine):
# build and parse+validate of each case in tests/bench/codec_cases.c, and a
# memcpy of the same header + area bytes as their peer, counted by callgrind.
#
# Usage: utilities/bench/codec-callgrind.sh [DRIVER]
#   DRIVER  the tests/bench/codec-callgrind program (default: the build
#           tree's, next to this script's top directory)
# Environment:
#   CODEC_CALLGRIND_N    iterations per case (default 10000)
#   CODEC_CALLGRIND_OUT  keep the callgrind dumps there, one per loop
#                        (callgrind_annotate DIR/cg.out.N shows per function)
#
# The driver runs each loop twice, N times and then, in a second valgrind
# run, 2N times.  A count per packet is (loop - empty loop) / iterations; it
# must be the same in both rounds and for both N, or the script fails.
# Prints a table and one "bench-json {"codec_instructions": ...}" line for
# utilities/bench/results.py.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
driver=${1:-$top/tests/bench/codec-callgrind}
n=${CODEC_CALLGRIND_N:-10000}
die() { echo "codec-callgrind: $*" >&2; exit 1; }

command -v valgrind >/dev/null ||
	die "valgrind not found: install the Debian package valgrind (utilities/install-deps.sh)"
[ -x "$driver" ] || die "no driver $driver (make tests/bench/codec-callgrind)"
case $n in '' | *[!0-9]*) die "CODEC_CALLGRIND_N must be a number" ;; esac

tmp=$(mktemp -d /tmp/mdtun-codec-cg.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
for iters in "$n" "$((2 * n))"; do
	mkdir "$tmp/$iters"
	valgrind --tool=callgrind --instr-atstart=no \
		--callgrind-out-file="$tmp/$iters/cg.out" \
		--log-file="$tmp/$iters/valgrind.log" "$driver" "$iters" ||
		die "the driver failed under valgrind: $(tail -5 "$tmp/$iters/valgrind.log")"
done
if [ -n "${CODEC_CALLGRIND_OUT:-}" ]; then
	if ! mkdir -p "$CODEC_CALLGRIND_OUT" ||
		! cp "$tmp/$n"/cg.out.* "$CODEC_CALLGRIND_OUT"/; then
		die "cannot keep the dumps in $CODEC_CALLGRIND_OUT"
	fi
fi

python3 - "$tmp" "$n" "$(valgrind --version)" <<'PY'
import glob, json, os, sys

tmp, n, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def die(msg):
    sys.exit("codec-callgrind: " + msg)

REQUEST = "desc: Trigger: Client Request: "

def loops(iters):
    """{name: {round: Ir}} from one run's dumps."""
    found = {}
    for path in glob.glob(os.path.join(tmp, str(iters), "cg.out.*")):
        desc = total = None
        with open(path) as f:
            for line in f:
                if line.startswith(REQUEST):
                    desc = line[len(REQUEST):].strip()
                elif line.startswith("totals: "):
                    total = int(line.split()[1])
        if desc is None or total is None or "#" not in desc:
            die(f"{path}: no loop name or total")
        name, rnd = desc.rsplit("#", 1)
        found.setdefault(name, {})[rnd] = total
    return found

ORDER = ["0_tlv", "4_tlv", "16_tlv", "carry_mark_priority", "full_252"]
found = {iters: loops(iters) for iters in (n, 2 * n)}
for iters, loops_n in found.items():
    if "nothing/empty" not in loops_n:
        die(f"no empty loop in the dumps at {iters} iterations")
    for name, rounds in loops_n.items():
        if sorted(rounds) != ["1", "2"] or rounds["1"] != rounds["2"]:
            die(f"{name}: counts differ between rounds at {iters} iterations: {rounds}")
if sorted(found[n]) != sorted(found[2 * n]):
    die("the two runs dumped different loops")

# The empty loop: a cost per iteration and a fixed one (the requests).
e1, e2 = found[n]["nothing/empty"]["1"], found[2 * n]["nothing/empty"]["1"]
empty_iter, empty_fixed = (e2 - e1) / n, e1 - (e2 - e1)
ir = {}
for name in found[n]:
    if name.startswith("nothing/"):
        continue
    pp = [(found[it][name]["1"] - found[it]["nothing/empty"]["1"]) / it
          for it in (n, 2 * n)]
    if pp[0] != pp[1]:
        die(f"{name}: {pp[0]} instructions per packet at {n} iterations, "
            f"{pp[1]} at {2 * n}")
    ir[name] = int(pp[0]) if pp[0] == int(pp[0]) else pp[0]

cases = sorted({name.split("/", 1)[1] for name in ir},
               key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c))
print(f"codec instructions per packet (callgrind, {version}, {n} and {2 * n} "
      f"iterations; the empty loop, {empty_iter:g} per iteration and "
      f"{empty_fixed} per loop, subtracted):")
print(f"         {'case':<22} {'build':>7} {'parse':>7} {'memcpy':>7} "
      f"{'build/memcpy':>13} {'parse/memcpy':>13}")
ratio = {}
for c in cases:
    b, p, m = ir.get("build/" + c), ir.get("parse/" + c), ir.get("memcpy/" + c)
    if None in (b, p, m) or m <= 0:
        die(f"case {c}: missing a kind")
    ratio["build/" + c] = round(b / m, 2)
    ratio["parse/" + c] = round(p / m, 2)
    print(f"  bench: {c:<22} {b:7g} {p:7g} {m:7g} {b / m:13.2f} {p / m:13.2f}")
print("bench-json " + json.dumps({"codec_instructions": {
    "iterations": [n, 2 * n],
    "valgrind": version,
    "empty_loop": {"per_iteration": empty_iter, "fixed": empty_fixed},
    "per_packet": ir,
    "ratio_to_memcpy": ratio,
}}, sort_keys=True))
PY
