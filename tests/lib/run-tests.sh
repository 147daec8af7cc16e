#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run-tests.sh SUITE DIR [TEST...]: runs the script tests DIR/t-*.sh (or
# the TESTs named, with or without .sh), each in a fresh bash, and ends
# with "SUITE: N passed, M failed".  Used for every script suite, in the
# VM (kernel, ovs-kernel) and on the host (ovs-userspace, dissector).
#
# A test's output follows tests/lib/checks.sh.  Besides its FAIL lines, a
# test fails here when:
#   - it prints no VERDICT line, or one whose counts are not the PASS and
#     FAIL lines it printed;
#   - it ran another number of checks than its line "SUITE TEST N" in
#     tests/baseline.txt says (a test that stops early, or loses a check
#     to a typo, is red; a test's author updates the line on purpose);
#   - its output has a shell or Python error (a helper that does not
#     exist, a syntax error in arithmetic, ...) or an "ERROR:" line from a
#     helper that could not read a value (tests/lib/checks.sh);
#   - it exits non-zero, or runs past RUN_TESTS_TIMEOUT seconds (600).
# The suite fails when a TEST named does not exist, and, when every test
# runs, when the baseline names one that does not.  RUN_TESTS_BASELINE
# names another baseline file (tests/selftest uses it).
set -u

if [ $# -lt 2 ]; then
	echo "usage: run-tests.sh SUITE DIR [TEST...]" >&2
	exit 2
fi
suite=$1
dir=$(cd "$2" && pwd) || exit 2
shift 2
baseline=${RUN_TESTS_BASELINE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/baseline.txt}
timeout=${RUN_TESTS_TIMEOUT:-600}

passed=0
failed=0
declare -A expect=()

# runner_fail TEXT: a failure the runner itself found.
runner_fail() {
	echo "FAIL: $suite: $*"
	failed=$((failed + 1))
}

if [ -r "$baseline" ]; then
	while read -r s t n; do
		case $s in '' | '#'*) continue ;; esac
		[ "$s" = "$suite" ] && expect[$t]=$n
	done <"$baseline"
else
	runner_fail "cannot read $baseline"
fi

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=${t%.sh}
		if [ -f "$dir/$t.sh" ]; then
			tests+=("$t")
		else
			runner_fail "no test $t in $dir"
		fi
	done
else
	for f in "$dir"/t-*.sh; do
		[ -f "$f" ] && tests+=("$(basename "$f" .sh)")
	done
	for t in "${!expect[@]}"; do
		[ -f "$dir/$t.sh" ] ||
			runner_fail "$t is in tests/baseline.txt but $dir/$t.sh is gone"
	done
fi

# Lines that only a broken test prints, at the start of a line (check
# details and quoted output are indented, so a command's expected
# complaint never counts).
SHELL_ERRORS=': command not found$|: syntax error|integer expression expected$|unbound variable$|: bad substitution$|^Traceback \(most recent call last\)|^ERROR: '

start=$SECONDS
for t in "${tests[@]}"; do
	echo "=== $t"
	t0=$SECONDS
	log=$(mktemp)
	(cd "$dir" && timeout "$timeout" bash "./$t.sh") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	verdicts=$(grep -cE "^VERDICT $t: [0-9]+ passed, [0-9]+ failed$" "$log")
	vline=$(grep -E "^VERDICT $t: " "$log" | tail -n 1)
	vp=$(echo "$vline" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	vf=$(echo "$vline" | sed -n 's/.* passed, \([0-9]*\) failed$/\1/p')
	extra=0
	if [ "$verdicts" -ne 1 ]; then
		echo "FAIL: $t: $verdicts VERDICT lines (want 1): the test stopped early"
		extra=$((extra + 1))
	elif [ "$vp" != "$p" ] || [ "$vf" != "$f" ]; then
		echo "FAIL: $t: its verdict says $vp passed, $vf failed but it printed $p PASS and $f FAIL lines"
		extra=$((extra + 1))
	fi
	while IFS= read -r line; do
		echo "FAIL: $t: shell error: $line"
		extra=$((extra + 1))
	done < <(grep -E -- "$SHELL_ERRORS" "$log" | grep -v '^[[:space:]]')
	if [ "$rc" -eq 124 ]; then
		echo "FAIL: $t: timed out after $timeout s"
		extra=$((extra + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "$extra" -eq 0 ]; then
		echo "FAIL: $t: exited with status $rc"
		extra=$((extra + 1))
	fi
	n=$((p + f))
	if [ -z "${expect[$t]:-}" ]; then
		echo "FAIL: $t: not in tests/baseline.txt (add: $suite $t $n)"
		extra=$((extra + 1))
	elif [ "$n" -ne "${expect[$t]}" ]; then
		echo "FAIL: $t: ran $n checks, tests/baseline.txt says ${expect[$t]}"
		extra=$((extra + 1))
	fi
	rm -f "$log"
	passed=$((passed + p))
	failed=$((failed + f + extra))
	echo "=== $t: $p passed, $((f + extra)) failed in $((SECONDS - t0)) s"
done
echo "$suite tests took $((SECONDS - start)) s"
echo "$suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
