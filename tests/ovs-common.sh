# SPDX-License-Identifier: Apache-2.0
#
# Helpers shared by the Open vSwitch tests (tests/ovs-userspace/run.sh and
# tests/ovs-kernel/lib.sh), POSIX sh: one verdict line per check, "PASS:
# NAME" or "FAIL: NAME" followed by indented details, counted in $passed
# and $failed; and stopping a daemon that a test started.

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "PASS: $1"; }

# fail NAME [DETAIL...]
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	for l in "$@"; do echo "      $l"; done
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# check_match NAME REGEX CMD...: passes when CMD's output matches REGEX.
check_match() {
	local name=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		pass "$name"
	else
		fail "$name" "expected /$re/ in output of: $*" "got: $out"
	fi
}

# check_nomatch NAME REGEX CMD...: passes when CMD's output does not match.
check_nomatch() {
	local name=$1 re=$2 out
	shift 2
	out=$("$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		fail "$name" "unexpected /$re/ in output of: $*" "got: $out"
	else
		pass "$name"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# stop_daemon DIR NAME: stops the daemon whose pidfile is DIR/NAME.pid and
# control socket DIR/NAME.ctl: asks it to exit, kills it after 10 s.
stop_daemon() {
	local pidfile=$1/$2.pid pid i=0
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	ovs-appctl -t "$1/$2.ctl" exit >/dev/null 2>&1
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null
	rm -f "$pidfile"
}
