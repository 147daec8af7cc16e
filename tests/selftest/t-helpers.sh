#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The check helpers (tests/lib/checks.sh) fail where a weaker helper
# would pass: each helper runs here in a subshell, on a case that must
# fail and on one that must pass, and its one verdict line is compared.
. "$(dirname "$0")/../lib/checks.sh"

# verdict CHECK ARGS...: the verdict line ("PASS" or "FAIL") that the check
# helper CHECK prints for ARGS, run in a subshell so that its counts do
# not mix with this test's.
verdict() {
	(
		"$@" 2>&1 | sed -n 's/^\(PASS\|FAIL\): .*/\1/p' | head -n 1
	)
}

check_eq "check passes on status 0" PASS "$(verdict check x true)"
check_eq "check fails on status 1" FAIL "$(verdict check x false)"
check_eq "check_fails passes on a refusal (status 1)" PASS "$(verdict check_fails x false)"
check_eq "check_fails fails on success" FAIL "$(verdict check_fails x true)"
check_eq "check_fails fails on a command that does not exist (127)" FAIL \
	"$(verdict check_fails x no-such-command-anywhere)"
check_eq "check_fails fails on a killed command (137)" FAIL \
	"$(verdict check_fails x sh -c 'kill -9 $$')"
check_eq "check_match passes on status 0 and a match" PASS \
	"$(verdict check_match x '^a$' echo a)"
check_eq "check_match fails without a match" FAIL "$(verdict check_match x '^b$' echo a)"
check_eq "check_match fails when the command fails, even on a match" FAIL \
	"$(verdict check_match x '^a$' sh -c 'echo a; exit 1')"
check_eq "check_nomatch passes on status 0 and no match" PASS \
	"$(verdict check_nomatch x '^b$' echo a)"
check_eq "check_nomatch fails on a match" FAIL "$(verdict check_nomatch x '^a$' echo a)"
check_eq "check_nomatch fails when the command fails (no output is no proof)" FAIL \
	"$(verdict check_nomatch x '^b$' false)"
check_eq "check_error passes on a refusal with the message" PASS \
	"$(verdict check_error x 'no such' sh -c 'echo no such port; exit 1')"
check_eq "check_error fails on success with the message" FAIL \
	"$(verdict check_error x 'no such' echo no such port)"
check_eq "check_error fails on a refusal with another message" FAIL \
	"$(verdict check_error x 'no such' sh -c 'echo busy; exit 1')"
check_eq "check_ge fails on an empty value" FAIL "$(verdict check_ge x 0 '')"
check_eq "check_ge fails on a non-number" FAIL "$(verdict check_ge x 0 12abc)"
check_eq "check_ge passes on equal" PASS "$(verdict check_ge x 5 5)"
check_eq "check_le fails above" FAIL "$(verdict check_le x 5 6)"
check_eq "check_eq fails on '' against 0" FAIL "$(verdict check_eq x 0 '')"

# Polling: a state reached later is seen; one never reached fails in time.
flag=$(mktemp -u)
( sleep 0.5; touch "$flag" ) &
check_eq "check_within sees a state reached after 0.5 s" PASS \
	"$(verdict check_within x 5 test -e "$flag")"
rm -f "$flag"
t0=$SECONDS
check_eq "check_within fails on a state never reached" FAIL \
	"$(verdict check_within x 1 false)"
check_le "  within its deadline" 3 $((SECONDS - t0))
check_eq "check_eventually_eq compares the last value" FAIL \
	"$(verdict check_eventually_eq x 1 5 echo 4)"
check_eq "t_error reports on stderr with ERROR:" "ERROR: gone" "$(t_error gone 2>&1)"
t_done
