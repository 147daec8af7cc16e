# SPDX-License-Identifier: Apache-2.0
#
# The check helpers of every script test (tests/kernel, tests/ovs-kernel,
# tests/ovs-userspace, tests/dissector), sourced by each suite's lib.
#
# What a test prints is read by tests/lib/run-tests.sh:
#   PASS: NAME            one line per passed check
#   FAIL: NAME            one line per failed check, details below it,
#         detail          indented by six spaces
#   VERDICT T: N passed, M failed
#                         printed once by t_done, last; the runner fails
#                         a test without it, or whose counts differ from
#                         the PASS/FAIL lines it saw (checks run in a
#                         subshell would otherwise be lost).
#   ERROR: TEXT           on stderr, from a helper that could not read a
#                         value (t_error); each one fails the test, even
#                         where the empty value it returned went on into
#                         arithmetic ("$(( $(stat ...) + 1 ))" is 1).
#
# A check fails when its command cannot run (status 126/127) or is killed
# (status 128 and up): "the command failed" is never mistaken for "the
# behaviour is absent".  Helpers that read a value print nothing and fail
# when they cannot read it; a caller never gets a 0 or "" for "missing".
#
# Waiting is polling for the state the test needs, with a deadline
# (wait_until, check_within, check_eventually_eq), never a fixed sleep.

T_NAME=${T_NAME:-$(basename "$0" .sh)}
t_pass=0
t_fail=0
t_out=$(mktemp "/tmp/$T_NAME.out.XXXXXX")

# t_error TEXT: a helper could not do its job (see above).
t_error() {
	echo "ERROR: $*" >&2
}

pass() {
	local name=$1
	shift
	t_pass=$((t_pass + 1))
	echo "PASS: $name"
	local l
	for l in "$@"; do printf '      %s\n' "$l"; done
}

# fail NAME [DETAIL...]
fail() {
	local name=$1
	shift
	t_fail=$((t_fail + 1))
	echo "FAIL: $name"
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/      /'; done
}

# t_run CMD...: run CMD with its output in $t_out; returns its status.
t_run() {
	"$@" >"$t_out" 2>&1
}

# t_refused STATUS: a command that ran and said no (1-125), as opposed to
# one that could not run (126, 127) or was killed (128 and up).
t_refused() {
	[ "$1" -ge 1 ] && [ "$1" -le 125 ]
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1 rc
	shift
	t_run "$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "command (status $rc): $*" "$(tail -n 20 "$t_out")"
	fi
}

# check_fails NAME CMD...: passes when CMD runs and exits 1-125.
check_fails() {
	local name=$1 rc
	shift
	t_run "$@"
	rc=$?
	if t_refused "$rc"; then
		pass "$name"
	else
		fail "$name" "expected a refusal (status 1-125), got status $rc: $*" \
			"$(tail -n 20 "$t_out")"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

# check_ge NAME MIN ACTUAL / check_le NAME MAX ACTUAL: integers only.
check_ge() {
	if [[ $3 =~ ^-?[0-9]+$ ]] && [ "$3" -ge "$2" ]; then
		pass "$1" "$3 >= $2"
	else
		fail "$1" "expected an integer >= $2, got '$3'"
	fi
}

check_le() {
	if [[ $3 =~ ^-?[0-9]+$ ]] && [ "$3" -le "$2" ]; then
		pass "$1" "$3 <= $2"
	else
		fail "$1" "expected an integer <= $2, got '$3'"
	fi
}

# check_match NAME REGEX CMD...: CMD exits 0 and its output matches the
# extended REGEX.
check_match() {
	local name=$1 re=$2 rc
	shift 2
	t_run "$@"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -Eq -- "$re" "$t_out"; then
		pass "$name"
	else
		fail "$name" "expected status 0 and /$re/ from: $*" \
			"status $rc, output:" "$(head -n 40 "$t_out")"
	fi
}

# check_nomatch NAME REGEX CMD...: CMD exits 0 and its output does not
# match REGEX.
check_nomatch() {
	local name=$1 re=$2 rc
	shift 2
	t_run "$@"
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -Eq -- "$re" "$t_out"; then
		pass "$name"
	else
		fail "$name" "expected status 0 and no /$re/ from: $*" \
			"status $rc, output:" "$(head -n 40 "$t_out")"
	fi
}

# check_error NAME REGEX CMD...: CMD refuses (status 1-125) with output
# matching REGEX.
check_error() {
	local name=$1 re=$2 rc
	shift 2
	t_run "$@"
	rc=$?
	if t_refused "$rc" && grep -Eq -- "$re" "$t_out"; then
		pass "$name" "$(head -n 1 "$t_out")"
	else
		fail "$name" "expected a refusal matching /$re/ from: $*" \
			"status $rc, output:" "$(head -n 40 "$t_out")"
	fi
}

# wait_until SECONDS CMD...: runs CMD (quietly) until it exits 0; fails
# after SECONDS.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# check_within NAME SECONDS CMD...: a check that CMD succeeds within
# SECONDS.
check_within() {
	local name=$1 secs=$2
	shift 2
	if wait_until "$secs" "$@"; then
		pass "$name"
	else
		t_run "$@"
		fail "$name" "not true within $secs s: $*" "$(tail -n 20 "$t_out")"
	fi
}

# poll_eq SECONDS EXPECTED CMD...: runs CMD until its output is EXPECTED
# and prints the last output (EXPECTED, or what it was at the deadline).
poll_eq() {
	local deadline=$((SECONDS + $1)) want=$2 got
	shift 2
	while :; do
		got=$("$@" 2>/dev/null)
		[ "$got" = "$want" ] && break
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.1
	done
	printf '%s\n' "$got"
}

# check_eventually_eq NAME SECONDS EXPECTED CMD...: CMD's output becomes
# EXPECTED within SECONDS.  (For a value that must also stay there, check
# it once more after the traffic that could still move it.)
check_eventually_eq() {
	local name=$1 secs=$2 want=$3
	shift 3
	check_eq "$name" "$want" "$(poll_eq "$secs" "$want" "$@")"
}

# t_done: the test's verdict, last.
t_done() {
	rm -f "$t_out"
	echo "VERDICT $T_NAME: $t_pass passed, $t_fail failed"
	[ "$t_fail" -eq 0 ]
	exit
}
