#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the kernel tests inside utilities/mdtun-vm (make check-kernel does
# `utilities/mdtun-vm -- tests/kernel/run.sh`); every t-*.sh, or those
# named, in a fresh shell.  Ends with "kernel: N passed, M failed".
set -u
cd "$(dirname "$0")"
if [ -z "${MDTUN_VM:-}" ]; then
	echo "run.sh: run me inside utilities/mdtun-vm" >&2
	exit 2
fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t-*.sh)
passed=0
failed=0
start=$(date +%s)
for t in "${tests[@]}"; do
	t=${t%.sh}.sh
	echo "=== $t"
	t0=$(date +%s)
	log=$(mktemp)
	timeout 600 bash "./$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	# A helper the test calls but nobody defines would silently drop
	# its checks: each such error is a failure.
	nf=$(grep -c 'command not found' "$log")
	if [ "$nf" -ne 0 ]; then
		grep 'command not found' "$log" | sed 's/^/FAIL not run: /'
		f=$((f + nf))
	fi
	rm -f "$log"
	# A test that died without a verdict counts as one failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL ${t%.sh} exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "=== $t: $p passed, $f failed in $(( $(date +%s) - t0 )) s"
done
echo "kernel tests took $(( $(date +%s) - start )) s"
echo "kernel: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
