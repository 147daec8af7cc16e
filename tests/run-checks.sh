#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs the named test suites (called by `make check`), showing each suite's
# own output, and ends with one summary line: "check: N passed, M failed".
# GoogleTest suites count their test cases; other suites count each check.
#
# Environment: srcdir (source tree), builddir (build tree), FUZZ_BIN,
# FUZZ_SMOKE_RUNS, MDTUN_VM (the VM runner command), KTESTS, OTESTS.
set -u
: "${srcdir:=.}" "${builddir:=.}"
passed=0
failed=0
failed_suites=""

note_fail() {
	failed=$((failed + ${2:-1}))
	failed_suites="$failed_suites $1"
}

# run_gtest SUITE BINARY: run a GoogleTest binary, add its case counts.
run_gtest() {
	log=$(mktemp)
	"$2" --gtest_color=no 2>&1 | tee "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log")
	rm -f "$log"
	passed=$((passed + ${p:-0}))
	if [ -n "$f" ] || [ -z "$p" ]; then
		note_fail "$1" "${f:-1}"
	fi
}

# run_one NAME CMD...: a single check that passes when CMD exits 0.
run_one() {
	name=$1
	shift
	echo "== $name: $1"
	if "$@"; then
		passed=$((passed + 1))
		echo "== $name: PASS"
	else
		note_fail "$name"
		echo "== $name: FAIL"
	fi
}

# run_counted SUITE CMD...: a script whose last summary line is
# "WORD: N passed, M failed"; its counts are added.  A non-zero exit (a
# kernel warning seen by mdtun-vm, a crash) fails the suite even when every
# test it counted passed.
run_counted() {
	suite=$1
	shift
	log=$(mktemp)
	{ "$@"; echo "$?" > "$log.rc"; } 2>&1 | tee "$log"
	rc=$(cat "$log.rc")
	line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log" "$log.rc"
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* passed, \([0-9]*\) failed.*/\1/p')
	passed=$((passed + ${p:-0}))
	if [ -z "$line" ] || [ "${f:-0}" -ne 0 ] || [ "$rc" -ne 0 ]; then
		[ "$rc" -ne 0 ] && echo "== $suite: exited with status $rc"
		if [ "${f:-0}" -ne 0 ]; then note_fail "$suite" "$f"; else note_fail "$suite"; fi
	fi
}

vectors_fresh() {
	"$builddir/tests/data/gen-vectors" | cmp - "$srcdir/tests/data/mdtun-vectors.txt"
}

suite_unit() {
	run_gtest unit "$builddir/tests/unit/mdtun-unit-tests"
	run_gtest mdtun-ctl "$builddir/tests/unit/mdtun-ctl-tests"
	run_one vectors-fresh vectors_fresh
}

suite_fuzz() {
	corpus="$builddir/tests/fuzz/corpus"
	run_one fuzz-replay "$builddir/tests/fuzz/fuzz-replay" \
		"$corpus"/* "$srcdir"/tests/fuzz/regressions/*
	if [ -n "${FUZZ_BIN:-}" ]; then
		# A fresh scratch corpus: the smoke run must not depend on, or
		# leave behind, earlier runs' findings.
		scratch=$(mktemp -d)
		run_one fuzz-smoke "$builddir/$FUZZ_BIN" \
			-runs="${FUZZ_SMOKE_RUNS:-300000}" -print_final_stats=1 \
			-artifact_prefix="$scratch/" "$scratch" "$corpus"
		rm -rf "$scratch"
	else
		echo "== fuzz-smoke: skipped (no clang with libFuzzer; install clang)"
	fi
}

suite_kernel() {
	# The tests find the modules and tools through MDTUN_KO / MDTUN_CTL.
	MDTUN_KO=$(cd "$srcdir" && pwd)/datapath/mdtun.ko
	MDTUN_CTL=$builddir/utilities/mdtun-ctl/mdtun-ctl
	export MDTUN_KO MDTUN_CTL
	run_counted kernel $MDTUN_VM --timeout 2400 -- \
		"$srcdir/tests/kernel/run.sh" ${KTESTS:-}
}

suite_ovs_kernel() {
	run_counted ovs-kernel $MDTUN_VM --timeout 2400 -- \
		"$srcdir/tests/ovs-kernel/run.sh" ${OTESTS:-}
}

suite_dissector() {
	run_counted dissector "$srcdir/tests/dissector/run.sh"
}

suite_ovs_userspace() {
	run_gtest ovs-options "$builddir/tests/ovs-userspace/mdtun-options-test"
	run_counted ovs-userspace "$srcdir/tests/ovs-userspace/run.sh" \
		"$builddir/ovs-build"
}

for suite in "$@"; do
	echo "==== suite: $suite"
	"suite_$suite"
done

if [ "$failed" -ne 0 ]; then
	echo "failed suites:$failed_suites"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
