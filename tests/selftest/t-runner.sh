#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The runner (tests/lib/run-tests.sh) catches every way a broken test can
# look green: it runs the fixtures in fixtures/, each broken in one way on
# purpose, and checks that each is reported, that the suite ends red, and
# that the one good fixture still passes.
. "$(dirname "$0")/../lib/checks.sh"

here=$(cd "$(dirname "$0")" && pwd)
runner=$here/../lib/run-tests.sh
out=$(mktemp)
trap 'rm -f "$out" "$t_out"' EXIT

RUN_TESTS_BASELINE=$here/fixtures/baseline.txt RUN_TESTS_TIMEOUT=30 \
	bash "$runner" fixtures "$here/fixtures" >"$out" 2>&1
rc=$?
echo "---- the runner on the fixtures (status $rc)"
sed 's/^/      /' "$out"

check_eq "the suite fails" 1 "$rc"
# reported PATTERN: the runner said it.
reported() { grep -Eq -- "$1" "$out"; }
check "a helper nobody defines" \
	reported '^FAIL: t-undefined-helper: shell error: .*check_eq_typo: command not found'
check "a test that stops before its verdict" \
	reported '^FAIL: t-early-exit: 0 VERDICT lines'
check "fewer checks than the baseline" \
	reported '^FAIL: t-fewer: ran 2 checks, tests/baseline.txt says 3'
check "a check lost in a subshell" \
	reported '^FAIL: t-subshell: its verdict says 1 passed, 0 failed but it printed 1 PASS and 1 FAIL lines'
check "a value a helper could not read, used in arithmetic" \
	reported '^FAIL: t-bad-arithmetic: shell error: ERROR: unreadable: no such counter'
check "a non-zero exit after a green verdict" \
	reported '^FAIL: t-status: exited with status 3'
check "a Python helper that crashed" \
	reported '^FAIL: t-traceback: shell error: Traceback'
check "a test missing from the baseline" \
	reported '^FAIL: t-no-baseline: not in tests/baseline.txt \(add: fixtures t-no-baseline 1\)'
check "a test in the baseline whose file is gone" \
	reported '^FAIL: fixtures: t-deleted is in tests/baseline.txt but .*/t-deleted.sh is gone'
check "the good fixture passes" \
	reported '^=== t-good: 2 passed, 0 failed'
# 9 runner failures (one per broken fixture, one for the deleted test),
# plus t-subshell's own FAIL line; 13 checks passed in all the fixtures.
check "the summary counts every broken fixture" \
	reported '^fixtures: 13 passed, 10 failed$'

# A test asked for by name that does not exist.
RUN_TESTS_BASELINE=$here/fixtures/baseline.txt \
	bash "$runner" fixtures "$here/fixtures" t-good t-nosuch >"$out" 2>&1
rc=$?
check_eq "an unknown test name fails the suite" 1 "$rc"
check "  and is named" reported '^FAIL: fixtures: no test t-nosuch in '
check "  while the named good test still ran" reported '^=== t-good: 2 passed, 0 failed'
t_done
