#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/lib/mdtun_spec.py, the tests' own reading of the receiver's codec
# checks (it predicts the kernel's verdict on random datagrams in
# tests/kernel/t-malformed.sh), gives every wire vector the verdict it was
# designed for (tests/data/mdtun-vectors.txt), and the strict policy's
# verdict where it differs.
. "$(dirname "$0")/../lib/checks.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
trap 'rm -f "$t_out"' EXIT
out=$(/usr/bin/python3 - "$top/tests/data/mdtun-vectors.txt" "$top/tests/lib" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from mdtun_spec import codec_verdict
n = 0
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    f = line.split()
    got = codec_verdict(bytes.fromhex(f[2]) if len(f) > 2 else b"")
    n += 1
    if got != f[1]:
        print(f"{f[0]}: designed {f[1]}, mdtun_spec says {got}")
print(f"{n} vectors")
PY
)
echo "$out"
check_eq "mdtun_spec agrees with every designed verdict" "50 vectors" "$out"
# A critical foreign TLV: accepted with the pass-foreign policy, refused
# by the strict one (the worked example's first TLV).
spec=$(awk '$1 == "spec-example" { print $3 }' "$top/tests/data/mdtun-vectors.txt")
strict() {
	/usr/bin/python3 -c "import sys; sys.path.insert(0, '$top/tests/lib')
from mdtun_spec import codec_verdict
print(codec_verdict(bytes.fromhex('$1'), pass_foreign=$2))"
}
check_eq "pass-foreign accepts a critical foreign TLV" ok "$(strict "$spec" True)"
check_eq "strict refuses it" crit_unknown "$(strict "$spec" False)"
t_done
