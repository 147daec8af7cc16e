#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# run-checks.sh SUITE...: runs test suites (`make check` names them all),
# showing each suite's own output, and ends with one summary line:
# "check: N passed, M failed".  GoogleTest binaries count their test cases,
# script suites (tests/lib/run-tests.sh) their checks.
#
# A SUITE is one of the suite_* functions below; kernel and ovs_kernel also
# take a subset of their tests, "kernel=t-carry,t-fixed" (what `make
# check-kernel KTESTS=...` passes).  Nothing is read from the environment
# to choose tests: an exported KTESTS cannot shrink `make check`.
#
# Every count is checked against tests/baseline.txt: a suite that ran fewer
# (or more) tests or checks than its author recorded there fails.
#
# Environment: srcdir (source tree), builddir (build tree), PYTHON3,
# FUZZ_BIN (the libFuzzer binary, required), FUZZ_SMOKE_RUNS, MDTUN_VM (the
# VM runner).
set -u
: "${srcdir:=.}" "${builddir:=.}"
srcdir=$(cd "$srcdir" && pwd)
builddir=$(cd "$builddir" && pwd)
baseline=$srcdir/tests/baseline.txt
passed=0
failed=0
failed_suites=""

note_fail() {
	failed=$((failed + ${2:-1}))
	case " $failed_suites " in
	*" $1 "*) ;;
	*) failed_suites="$failed_suites $1" ;;
	esac
}

# expected SUITE NAME: the count tests/baseline.txt records, or nothing.
expected() {
	awk -v s="$1" -v t="$2" '$1 == s && $2 == t { print $3 }' "$baseline"
}

# run_gtest SUITE BINARY: a GoogleTest binary; its exit status, its
# PASSED/FAILED counts and the number of tests the baseline expects must
# all agree.
run_gtest() {
	local suite=$1 bin=$2 name log rc ran p f want
	name=$(basename "$bin")
	log=$(mktemp)
	"$bin" --gtest_color=no >"$log" 2>&1
	rc=$?
	cat "$log"
	ran=$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran\..*/\1/p' "$log")
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$log")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}, listed below.*/\1/p' "$log")
	rm -f "$log"
	want=$(expected gtest "$name")
	passed=$((passed + ${p:-0}))
	if [ "$rc" -ne 0 ] || [ -z "$ran" ] || [ "${p:-0}" != "$ran" ]; then
		echo "== $suite: $name exited with status $rc, ran ${ran:-no} tests, ${p:-0} passed"
		note_fail "$suite" "${f:-1}"
	fi
	if [ "${ran:-0}" != "${want:-none}" ]; then
		echo "== $suite: $name ran ${ran:-no} tests, tests/baseline.txt says ${want:-nothing (add: gtest $name ${ran:-0})}"
		note_fail "$suite"
	fi
}

# run_one NAME CMD...: a single check that passes when CMD exits 0.
run_one() {
	local name=$1
	shift
	echo "== $name: $*"
	if "$@"; then
		passed=$((passed + 1))
		echo "== $name: PASS"
	else
		note_fail "$name"
		echo "== $name: FAIL"
	fi
}

# run_counted SUITE CMD...: a command whose last summary line is
# "SUITE: N passed, M failed" (tests/lib/run-tests.sh); its counts are
# added.  A non-zero exit (a kernel warning seen by mdtun-vm, a crash)
# fails the suite even when every check it counted passed.
run_counted() {
	local suite=$1 log rc line p f
	shift
	log=$(mktemp)
	{ "$@"; echo "$?" >"$log.rc"; } 2>&1 | tee "$log"
	rc=$(cat "$log.rc")
	rm -f "$log.rc"
	line=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)
	rm -f "$log"
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* passed, \([0-9]*\) failed$/\1/p')
	passed=$((passed + ${p:-0}))
	if [ -z "$line" ]; then
		echo "== $suite: no summary line (status $rc)"
		note_fail "$suite"
	elif [ "$f" -ne 0 ]; then
		note_fail "$suite" "$f"
	elif [ "$rc" -ne 0 ]; then
		echo "== $suite: exited with status $rc"
		note_fail "$suite"
	fi
}

# The committed vector file is exactly what its generator writes.
vectors_fresh() {
	local tmp rc
	tmp=$(mktemp)
	"${PYTHON3:-/usr/bin/python3}" "$srcdir/tests/data/gen-vectors.py" >"$tmp"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "gen-vectors failed with status $rc"
	elif ! diff -u "$srcdir/tests/data/mdtun-vectors.txt" "$tmp"; then
		rc=1
	fi
	rm -f "$tmp"
	return "$rc"
}

# The runner and the check helpers catch what they are meant to.
suite_selftest() {
	run_counted selftest "$srcdir/tests/lib/run-tests.sh" selftest \
		"$srcdir/tests/selftest"
}

suite_unit() {
	run_gtest unit "$builddir/tests/unit/mdtun-unit-tests"
	run_gtest unit "$builddir/tests/unit/mdtun-ctl-tests"
	run_one vectors-fresh vectors_fresh
}

# fuzz_inputs: the seed corpus and the committed regressions.
fuzz_inputs() {
	find "$builddir/tests/fuzz/corpus" "$srcdir/tests/fuzz/regressions" \
		-type f ! -name '.*' | sort
}

# fuzz_replay: the sanitized replay over every input, which must all run.
fuzz_replay() {
	local inputs n out
	mapfile -t inputs < <(fuzz_inputs)
	n=${#inputs[@]}
	want=$(expected fuzz inputs)
	if [ "$n" -ne "${want:-0}" ]; then
		echo "fuzz: $n inputs, tests/baseline.txt says ${want:-nothing (add: fuzz inputs $n)}"
		return 1
	fi
	out=$("$builddir/tests/fuzz/fuzz-replay" "${inputs[@]}" 2>&1)
	echo "$out"
	echo "$out" | grep -qx "fuzz-replay: $n inputs ran clean"
}

suite_fuzz() {
	run_one fuzz-replay fuzz_replay
	if [ -z "${FUZZ_BIN:-}" ] || [ ! -x "$builddir/$FUZZ_BIN" ]; then
		echo "== fuzz-smoke: no libFuzzer binary: install clang and libclang-rt-14-dev, then re-run configure"
		note_fail fuzz-smoke
		return
	fi
	# A fresh scratch corpus, seeded with the corpus and the regressions:
	# the smoke run must not depend on, or leave behind, earlier runs'
	# findings.
	local scratch
	scratch=$(mktemp -d)
	run_one fuzz-smoke "$builddir/$FUZZ_BIN" \
		-runs="${FUZZ_SMOKE_RUNS:-300000}" -print_final_stats=1 \
		-artifact_prefix="$scratch/" "$scratch" \
		"$builddir/tests/fuzz/corpus" "$srcdir/tests/fuzz/regressions"
	rm -rf "$scratch"
}

# vm_suite SUITE DIR [TESTS]: a script suite in the VM.
vm_suite() {
	local suite=$1 dir=$2
	local -a tests=()
	[ -n "${3:-}" ] && IFS=, read -r -a tests <<<"$3"
	# The tests find the modules and tools through MDTUN_KO / MDTUN_CTL.
	MDTUN_KO=$srcdir/datapath/mdtun.ko
	MDTUN_CTL=$builddir/utilities/mdtun-ctl/mdtun-ctl
	export MDTUN_KO MDTUN_CTL
	if [ -z "${MDTUN_VM:-}" ]; then
		echo "== $suite: MDTUN_VM (the VM runner command) not set"
		note_fail "$suite"
		return
	fi
	# shellcheck disable=SC2086 # MDTUN_VM is a command line
	run_counted "$suite" $MDTUN_VM --timeout 2400 -- \
		"$srcdir/tests/lib/run-tests.sh" "$suite" "$srcdir/$dir" "${tests[@]}"
}

suite_kernel() { vm_suite kernel tests/kernel "${1:-}"; }
suite_ovs_kernel() { vm_suite ovs-kernel tests/ovs-kernel "${1:-}"; }

# The Debian packages (make deb wrote them to $builddir/deb), installed in
# the VM after Debian's openvswitch-switch (.debs that install-deps put in
# deb-src/binary/), then make install from $builddir.  Two dpkg runs, a
# DKMS build and a make install take 6 to 8 minutes under TCG, beyond the
# 600 s a test may usually run.
suite_package() {
	DEB_DIR=$builddir/deb DEBIAN_DEBS=$srcdir/deb-src/binary \
		BUILDDIR=$builddir OVS_BUILD=$builddir/ovs-build MAKE="${MAKE:-make}" \
		RUN_TESTS_TIMEOUT=1200 vm_suite package tests/package
}

suite_install() {
	BUILDDIR=$builddir MAKE="${MAKE:-make}" run_counted install "$srcdir/tests/lib/run-tests.sh" \
		install "$srcdir/tests/install"
}

suite_dissector() {
	run_counted dissector "$srcdir/tests/lib/run-tests.sh" dissector \
		"$srcdir/tests/dissector"
}

suite_ovs_userspace() {
	run_gtest ovs-userspace "$builddir/tests/ovs-userspace/mdtun-options-test"
	OVS_BUILD=$builddir/ovs-build run_counted ovs-userspace \
		"$srcdir/tests/lib/run-tests.sh" ovs-userspace \
		"$srcdir/tests/ovs-userspace"
}

# OVS's own tests of its tunnels (make check-ovs-testsuite: the patched OVS
# with the plugin linked in, no kernel module): every selected test passes
# and as many ran as tests/baseline.txt says ("ovs-testsuite tunnels N").
suite_ovs_testsuite() {
	local log rc ok all want
	# Never read an earlier run's results.
	rm -f "$builddir/ovs-build/tests/testsuite.log"
	log=$(mktemp)
	"${MAKE:-make}" -C "$builddir" check-ovs-testsuite >"$log" 2>&1
	rc=$?
	tail -n 40 "$log"
	rm -f "$log"
	log=$builddir/ovs-build/tests/testsuite.log
	ok=$(grep -c '^[0-9]*\. .*: ok ' "$log" 2>/dev/null)
	all=$(sed -n 's/^All \([0-9]*\) tests were successful\.$/\1/p' "$log" 2>/dev/null)
	want=$(expected ovs-testsuite tunnels)
	passed=$((passed + ${ok:-0}))
	if [ "$rc" -ne 0 ] || [ -z "$all" ] || [ "${ok:-0}" != "$all" ]; then
		echo "== ovs-testsuite: make exited with status $rc; ${ok:-0} ok, \"All ${all:-?} tests were successful\" ${all:+found}${all:-missing}"
		note_fail ovs-testsuite
	fi
	if [ "${ok:-0}" != "${want:-none}" ]; then
		echo "== ovs-testsuite: ${ok:-0} tests passed, tests/baseline.txt says ${want:-nothing}"
		note_fail ovs-testsuite
	fi
}

if [ ! -r "$baseline" ]; then
	echo "run-checks: cannot read $baseline"
	note_fail baseline
fi
for arg in "$@"; do
	suite=${arg%%=*}
	subset=
	[ "$arg" != "$suite" ] && subset=${arg#*=}
	echo "==== suite: $suite${subset:+ ($subset)}"
	if ! declare -F "suite_$suite" >/dev/null; then
		echo "== no suite named $suite"
		note_fail "$suite"
		continue
	fi
	if [ -n "$subset" ] && [ "$suite" != kernel ] && [ "$suite" != ovs_kernel ]; then
		echo "== suite $suite runs whole"
		note_fail "$suite"
		continue
	fi
	"suite_$suite" "$subset"
done

if [ "$failed" -ne 0 ]; then
	echo "failed suites:$failed_suites"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
